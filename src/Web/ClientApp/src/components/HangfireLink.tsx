import type { MouseEvent, ReactNode } from 'react';
import { DASHBOARD_PATH, openDashboard } from '../dashboard';

/** An admin's link to the Hangfire dashboard: opens a dashboard session first, so the token stays out of the URL. */
export function HangfireLink({ children }: { children: ReactNode }) {
  const open = (e: MouseEvent<HTMLAnchorElement>) => {
    e.preventDefault();
    void openDashboard();
  };
  return <a href={DASHBOARD_PATH} target="_blank" rel="noreferrer" onClick={open}>{children}</a>;
}
