export function ReportsPage() {
  return <div className="page" />;
}
