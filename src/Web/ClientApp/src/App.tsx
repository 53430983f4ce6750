import { useEffect } from 'react';
import { Layout } from './components/Layout';
import { AppBeaconProvider } from './connection';
import { AdminMonitor } from './pages/AdminMonitor';
import { Analytics } from './pages/Analytics';
import { Chat } from './pages/Chat';
import { Home } from './pages/Home';
import { Jobs } from './pages/Jobs';
import { Login } from './pages/Login';
import { Notifications } from './pages/Notifications';
import { SseDemo } from './pages/SseDemo';
import { useAuth } from './auth';
import { usePath } from './router';

const PAGES: Record<string, [string, () => React.JSX.Element]> = {
  '/': ['Beacon', Home],
  '/sse-demo': ['SSE demo', SseDemo],
  '/login': ['Dev login', Login],
  '/notifications': ['Notifications', Notifications],
  '/jobs': ['Jobs', Jobs],
  '/chat': ['Chat', Chat],
  '/analytics': ['Live analytics', Analytics],
  '/admin/sse-monitor': ['SSE monitor', AdminMonitor],
};

export function App() {
  const path = usePath();
  const auth = useAuth();
  const [title, Page] = PAGES[path] ?? ['Not found', NotFound];
  useEffect(() => {
    document.title = `${title} · Beacon`;
  }, [title]);
  // Keyed by who is signed in: signing out, or in as someone else, starts the connection and every page's state
  // afresh (the bell's list, the event log, jobs, chat), so nothing of the last user stays on the next one's screen.
  return (
    <AppBeaconProvider key={auth?.userId ?? ''}>
      <Layout>
        <Page />
      </Layout>
    </AppBeaconProvider>
  );
}

function NotFound() {
  return <><h1>Not found</h1><p>There is no page here.</p></>;
}
