export function OutboxPage() {
  return <div className="page" />;
}
