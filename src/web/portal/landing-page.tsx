export function LandingPage() {
  return <div className="page" />;
}
