import { useAuth } from '../auth';
import { describeStatus } from '../components/ConnectionBadge';
import { useBeacon } from '../react/BeaconProvider';
import { Link } from '../router';

export function Home() {
  const auth = useAuth();
  const { status } = useBeacon();
  return (
    <>
      <h1>Beacon</h1>
      <p className="lead">Server → browser push over Server-Sent Events, with WebSocket and long-poll fallbacks and one shared connection for all your tabs.</p>
      <section className="card">
        <p>You are {auth ? <>signed in as <strong>{auth.userId}</strong></> : <>browsing anonymously (<Link href="/login">dev login</Link>)</>}. Connection: <strong>{describeStatus(status)}</strong>.</p>
        <ul className="tiles">
          <li><Link href="/sse-demo">SSE demo</Link><span>connect, send demo events, watch the live log</span></li>
          <li><Link href="/notifications">Notifications</Link><span>unread badge, mark read, delete</span></li>
          <li><Link href="/jobs">Jobs</Link><span>start background jobs and watch their progress</span></li>
          <li><Link href="/chat">Chat</Link><span>conversations, typing and presence</span></li>
          <li><Link href="/analytics">Live analytics</Link><span>visitors and metrics as they change</span></li>
          <li><Link href="/admin/sse-monitor">SSE monitor</Link><span>connections per node and per user (admin)</span></li>
        </ul>
      </section>
    </>
  );
}
