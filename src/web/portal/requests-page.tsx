export function RequestsPage() {
  return <div className="page" />;
}
