import { useAuth } from '../auth';
import { NotificationList } from '../components/NotificationBell';
import { SignInNeeded } from '../components/Notice';
import { useNotifications } from '../react/hooks';

export function Notifications() {
  const auth = useAuth();
  const state = useNotifications();
  return (
    <>
      <h1>Notifications</h1>
      {!auth ? <SignInNeeded what="Notifications" /> : <section className="card"><NotificationList state={state} /></section>}
    </>
  );
}
