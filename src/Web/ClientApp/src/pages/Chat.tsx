import { useCallback, useEffect, useRef, useState, type FormEvent } from 'react';
import { api, ApiError, describeError } from '../api';
import { useAuth } from '../auth';
import { ErrorNotice, ModuleUnavailable, SignInNeeded } from '../components/Notice';
import { useEvent, useResetRefetch } from '../react/BeaconProvider';
import { usePresence, type Availability } from '../react/hooks';
import { useIdleReport } from '../react/useIdleReport';

interface Conversation {
  id: string;
  title: string | null;
  memberIds: string[];
  createdAt: string;
  lastMessageAt: string | null;
  unread?: number;
}

interface Message {
  id: string;
  conversationId: string;
  senderId: string;
  text: string;
  sentAt: string;
}

/** The server throttles `typing` to one per 2 s; sending more often only costs requests. */
const TYPING_EVERY_MS = 2000;

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
  const everyone = [...new Set(conversations.flatMap((c) => c.memberIds))].filter((u) => u !== auth?.userId);
  const { presence, typing } = usePresence(everyone);
  useIdleReport(!!auth);

  const loadConversations = useCallback(() => {
    api<{ items: Conversation[] }>('/api/conversations')
      .then((body) => {
        setConversations((old) => body.items.map((c) => ({ ...c, unread: old.find((o) => o.id === c.id)?.unread ?? 0 })));
        setAvailable(true);
        setSelected((s) => s ?? body.items[0]?.id ?? null);
      })
      .catch((e) => {
        setAvailable(e instanceof ApiError && e.isMissing ? false : true);
        if (!(e instanceof ApiError && e.isMissing)) setError(describeError(e));
      });
  }, []);

  // The conversation on screen, for answers that come back after the user picked another one.
  const shown = useRef(selected);
  shown.current = selected;
  const loadMessages = useCallback((id: string) => {
    api<{ items: Message[] }>(`/api/conversations/${encodeURIComponent(id)}/messages`)
      .then((body) => {
        if (shown.current !== id) return;
        // Messages of this conversation that came on the stream while the answer was on its way are newer than it.
        setMessages((list) => [...body.items, ...list.filter((m) => m.conversationId === id && !body.items.some((b) => b.id === m.id))]);
      })
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
    const m = e.data;
    if (m.conversationId === selected && m.id) {
      const message: Message = { id: m.id, conversationId: m.conversationId, senderId: m.senderId, text: m.text ?? m.preview, sentAt: m.sentAt ?? new Date(e.receivedAt).toISOString() };
      setMessages((list) => (list.some((x) => x.id === message.id) ? list : [...list, message]));
    } else if (!conversations.some((c) => c.id === m.conversationId)) {
      loadConversations();
    } else {
      setConversations((list) => list.map((c) => (c.id === m.conversationId ? { ...c, unread: (c.unread ?? 0) + 1 } : c)));
    }
  });

  if (!auth) return <><h1>Chat</h1><SignInNeeded what="Chat" /></>;

  const send = async (e: FormEvent) => {
    e.preventDefault();
    if (!selected || !draft.trim()) return;
    try {
      const sent = await api<Message>(`/api/conversations/${encodeURIComponent(selected)}/messages`, { body: { text: draft } });
      setMessages((list) => (list.some((m) => m.id === sent.id) ? list : [...list, sent]));
      setDraft('');
      lastTyping.current = 0;
    } catch (err) {
      setError(describeError(err));
    }
  };

  const onDraft = (value: string) => {
    setDraft(value);
    if (selected && value.trim() && Date.now() - lastTyping.current > TYPING_EVERY_MS) {
      lastTyping.current = Date.now();
      api(`/api/conversations/${encodeURIComponent(selected)}/typing`, { method: 'POST' }).catch(() => undefined);
    }
  };

  const start = async (e: FormEvent) => {
    e.preventDefault();
    try {
      const created = await api<Conversation>('/api/conversations', { body: { title: null, memberIds: newWith.split(',').map((s) => s.trim()).filter(Boolean) } });
      setNewWith('');
      setError(null);
      loadConversations();
      setSelected(created.id);
    } catch (err) {
      setError(describeError(err));
    }
  };

  const current = conversations.find((c) => c.id === selected);
  const typingHere = (selected ? typing[selected] ?? [] : []).filter((u) => u !== auth.userId);
  const others = (c: Conversation) => c.memberIds.filter((u) => u !== auth.userId);

  return (
    <>
      <h1>Chat</h1>
      {available === false && <ModuleUnavailable name="Messaging" route="/api/conversations" />}
      <ErrorNotice error={error} />
      <div className="chat">
        <aside className="card" aria-label="Conversations">
          <h2>Conversations</h2>
          <ul className="conversations">
            {conversations.map((c) => (
              <li key={c.id}>
                <button type="button" className={c.id === selected ? 'selected' : 'plain'} aria-pressed={c.id === selected} onClick={() => { setSelected(c.id); setConversations((l) => l.map((x) => (x.id === c.id ? { ...x, unread: 0 } : x))); }}>
                  {c.title ?? others(c).join(', ')}
                  {(c.unread ?? 0) > 0 && <span className="badge" aria-label={`${c.unread} unread`}>{c.unread}</span>}
                </button>
                <span className="people">
                  {others(c).map((u) => {
                    const status = presence[u] ?? 'offline';
                    return (
                      <span key={u} className={`presence presence-${status}`} data-user={u} data-presence={status} title={`${u}: ${status}`}>
                        <span className="dot" aria-hidden="true" /> {u} <span className="sr-only">is {status}</span>
                      </span>
                    );
                  })}
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
                    <span className="sender">{m.senderId}</span> <span>{m.text}</span>
                  </li>
                ))}
              </ol>
              <p className="typing" aria-live="polite" data-testid="typing">{typingHere.length > 0 ? `${typingHere.join(', ')} ${typingHere.length === 1 ? 'is' : 'are'} typing…` : ''}</p>
              <form className="row" onSubmit={(e) => void send(e)}>
                <label className="grow">Message<input value={draft} maxLength={4000} onChange={(e) => onDraft(e.target.value)} /></label>
                <button type="submit" disabled={!draft.trim()}>Send</button>
              </form>
            </>
          )}
        </section>
      </div>
    </>
  );
}
