import { Outlet } from 'react-router-dom';
export function PortalLayout() {
  return <Outlet />;
}
