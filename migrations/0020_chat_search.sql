-- Chat search at scale (issue 19): a case may hold a million messages.

-- A search by chat or by sender reads that chat's or sender's messages in
-- time order (and counts them up to the cap, from the index alone) instead
-- of filtering the case's whole time order.
CREATE INDEX chat_messages_in_chat_idx ON chat_messages (incident_id, chat_id, at, id);
CREATE INDEX chat_messages_by_sender_idx ON chat_messages (incident_id, sender_id, at, id);

-- A chat's message and member counts, kept by the read that changes its
-- messages: every message shown names its chat, and counting a chat of
-- 100,000 messages for each page took seconds.
ALTER TABLE chat_chats ADD COLUMN message_count integer NOT NULL DEFAULT 0,
    ADD COLUMN member_count integer NOT NULL DEFAULT 0;
-- Counted as chatlog.Store.Recount counts them.
WITH messages AS MATERIALIZED (
    SELECT chat_id, count(*) AS n FROM chat_messages GROUP BY chat_id),
senders AS MATERIALIZED (
    SELECT DISTINCT chat_id, sender_id FROM chat_messages WHERE sender_id IS NOT NULL),
joined AS MATERIALIZED (
    SELECT m.incident_id, m.chat_id, COALESCE(NULLIF(j->>'ID', ''), j->>'Name') AS key
    FROM chat_messages m CROSS JOIN LATERAL jsonb_array_elements(m.details->'members') j
    WHERE m.kind = 'JOIN'),
members AS MATERIALIZED (
    SELECT chat_id, count(*) AS n FROM (
        SELECT chat_id, sender_id FROM senders
        UNION SELECT j.chat_id, s.id FROM joined j JOIN chat_chats c ON c.id = j.chat_id
            JOIN chat_senders s ON s.incident_id = j.incident_id AND s.platform = c.platform AND s.key = j.key) x
    GROUP BY chat_id)
UPDATE chat_chats c SET message_count = COALESCE(messages.n, 0), member_count = COALESCE(members.n, 0)
FROM chat_chats k LEFT JOIN messages ON messages.chat_id = k.id LEFT JOIN members ON members.chat_id = k.id
WHERE c.id = k.id;
