export function ProfilePage() {
  return <div className="page" />;
}
