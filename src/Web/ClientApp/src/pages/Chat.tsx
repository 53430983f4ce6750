import { useCallback, useEffect, useRef, useState, type FormEvent } from 'react';
import { api, ApiError, describeError } from '../api';
import { useAuth } from '../auth';
import { ErrorNotice, ModuleUnavailable, SignInNeeded } from '../components/Notice';
import { useEvent, useResetRefetch } from '../react/BeaconProvider';
import { usePresence, type Availability } from '../react/hooks';

interface Conversation {
  id: string;
  title?: string | null;
  participants?: string[];
  participantIds?: string[];
  unread?: number;
}

interface Message {
  id: string;
  conversationId: string;
  senderId: string;
  text?: string;
  body?: string;
  content?: string;
  preview?: string;
  sentAt?: string;
  createdAt?: string;
}

const members = (c: Conversation) => c.participants ?? c.participantIds ?? [];
const textOf = (m: Message) => m.text ?? m.body ?? m.content ?? m.preview ?? '';

/** Messaging: conversations, messages, a typing indicator and presence dots. */
export function Chat() {
  const auth = useAuth();
  const [conversations, setConversations] = useState<Conversation[]>([]);
  const [selected, setSelected] = useState<string | null>(null);
  const [messages, setMessages] = useState<Message[]>([]);
  const [available, setAvailable] = useState<Availability>(null);
  const [error, setError] = useState<string | null>(null);
  const [draft, setDraft] = useState('');
  const [newWith, setNewWith] = useState('');
  const lastTyping = useRef(0);
  const everyone = [...new Set(conversations.flatMap(members))].filter((u) => u !== auth?.userId);
  const { presence, typing } = usePresence(everyone);

  const loadConversations = useCallback(() => {
    api<Conversation[] | { items: Conversation[] }>('/api/messages/conversations')
      .then((body) => {
        const list = Array.isArray(body) ? body : body.items ?? [];
        setConversations(list);
        setAvailable(true);
        setSelected((s) => s ?? list[0]?.id ?? null);
      })
      .catch((e) => {
        setAvailable(e instanceof ApiError && e.isMissing ? false : true);
        if (!(e instanceof ApiError && e.isMissing)) setError(describeError(e));
      });
  }, []);

  const loadMessages = useCallback((id: string) => {
    api<Message[] | { items: Message[] }>(`/api/messages/conversations/${encodeURIComponent(id)}/messages`)
      .then((body) => setMessages(Array.isArray(body) ? body : body.items ?? []))
      .catch((e) => setError(describeError(e)));
  }, []);

  useEffect(() => {
    if (auth) loadConversations();
  }, [auth, loadConversations]);
  useEffect(() => {
    if (selected) loadMessages(selected);
  }, [selected, loadMessages]);
  useResetRefetch(() => {
    loadConversations();
    if (selected) loadMessages(selected);
  });

  useEvent('message', (e) => {
    if (e.data.conversationId === selected) {
      setMessages((list) => (list.some((m) => m.id === e.id) ? list : [...list, { id: e.id ?? String(e.receivedAt), conversationId: e.data.conversationId, senderId: e.data.senderId, preview: e.data.preview, sentAt: new Date(e.receivedAt).toISOString() }]));
    } else if (!conversations.some((c) => c.id === e.data.conversationId)) {
      loadConversations();
    } else {
      setConversations((list) => list.map((c) => (c.id === e.data.conversationId ? { ...c, unread: (c.unread ?? 0) + 1 } : c)));
    }
  });

  if (!auth) return <><h1>Chat</h1><SignInNeeded what="Chat" /></>;

  const send = async (e: FormEvent) => {
    e.preventDefault();
    if (!selected || !draft.trim()) return;
    try {
      const sent = await api<Message>(`/api/messages/conversations/${encodeURIComponent(selected)}/messages`, { body: { text: draft.trim() } });
      setMessages((list) => (sent && !list.some((m) => m.id === sent.id) ? [...list, sent] : list));
      setDraft('');
    } catch (err) {
      setError(describeError(err));
    }
  };

  const onDraft = (value: string) => {
    setDraft(value);
    if (selected && Date.now() - lastTyping.current > 2000) {
      lastTyping.current = Date.now();
      api(`/api/messages/conversations/${encodeURIComponent(selected)}/typing`, { method: 'POST' }).catch(() => undefined);
    }
  };

  const start = async (e: FormEvent) => {
    e.preventDefault();
    try {
      const created = await api<Conversation>('/api/messages/conversations', { body: { participantIds: newWith.split(',').map((s) => s.trim()).filter(Boolean) } });
      setNewWith('');
      loadConversations();
      setSelected(created.id);
    } catch (err) {
      setError(describeError(err));
    }
  };

  const current = conversations.find((c) => c.id === selected);
  const typingHere = (selected ? typing[selected] ?? [] : []).concat(typing[''] ?? []).filter((u) => u !== auth.userId && (!current || members(current).includes(u)));

  return (
    <>
      <h1>Chat</h1>
      {available === false && <ModuleUnavailable name="Messaging" route="/api/messages/conversations" />}
      <ErrorNotice error={error} />
      <div className="chat">
        <aside className="card" aria-label="Conversations">
          <h2>Conversations</h2>
          <ul className="conversations">
            {conversations.map((c) => (
              <li key={c.id}>
                <button type="button" className={c.id === selected ? 'selected' : 'plain'} aria-pressed={c.id === selected} onClick={() => { setSelected(c.id); setConversations((l) => l.map((x) => (x.id === c.id ? { ...x, unread: 0 } : x))); }}>
                  {c.title ?? members(c).filter((u) => u !== auth.userId).join(', ')}
                  {(c.unread ?? 0) > 0 && <span className="badge">{c.unread}</span>}
                </button>
                <span className="people">
                  {members(c).filter((u) => u !== auth.userId).map((u) => (
                    <span key={u} className={`presence presence-${presence[u] ?? 'offline'}`} data-user={u} data-presence={presence[u] ?? 'offline'} title={`${u}: ${presence[u] ?? 'offline'}`}>
                      <span className="dot" aria-hidden="true" /> {u} <span className="sr-only">is {presence[u] ?? 'offline'}</span>
                    </span>
                  ))}
                </span>
              </li>
            ))}
          </ul>
          <form onSubmit={(e) => void start(e)} className="row" aria-label="New conversation">
            <label>With (user ids)<input value={newWith} onChange={(e) => setNewWith(e.target.value)} placeholder="bob, carol" /></label>
            <button type="submit" className="small" disabled={!newWith.trim() || available === false}>Start</button>
          </form>
        </aside>
        <section className="card messages" aria-label="Messages">
          {!current ? <p className="muted">Pick or start a conversation.</p> : (
            <>
              <ol className="message-list" aria-live="polite" data-testid="messages">
                {messages.map((m) => (
                  <li key={m.id} className={m.senderId === auth.userId ? 'mine' : 'theirs'}>
                    <span className="sender">{m.senderId}</span> <span>{textOf(m)}</span>
                  </li>
                ))}
              </ol>
              <p className="typing" aria-live="polite" data-testid="typing">{typingHere.length > 0 ? `${typingHere.join(', ')} ${typingHere.length === 1 ? 'is' : 'are'} typing…` : ''}</p>
              <form className="row" onSubmit={(e) => void send(e)}>
                <label className="grow">Message<input value={draft} onChange={(e) => onDraft(e.target.value)} /></label>
                <button type="submit" disabled={!draft.trim()}>Send</button>
              </form>
            </>
          )}
        </section>
      </div>
    </>
  );
}
