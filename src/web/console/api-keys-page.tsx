export function ApiKeysPage() {
  return <div className="page" />;
}
