export function RulesPage() {
  return <div className="page" />;
}
