export function UsersPage() {
  return <div className="page" />;
}
