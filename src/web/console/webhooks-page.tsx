export function WebhooksPage() {
  return <div className="page" />;
}
