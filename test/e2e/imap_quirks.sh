#!/usr/bin/env bash
# E1 against protocol quirks of real IMAP servers that Dovecot does not
# show on its own, played by a scripted IMAPS server (test/e2e/fake_imap.py)
# on 127.0.0.1:
#   - an unsolicited "* n FETCH (FLAGS ...)" (another client changed a
#     message's flags) sent before the body of a fetched message: curl takes
#     it for the answer and fails; the message must still be stored, not
#     filed as unfetchable and skipped for good;
#   - a session that called commhub.sync_mailbox() and keeps its transaction
#     open holds that mailbox: the background worker must skip it and go on
#     syncing the other mailboxes, not wait for that session.
set -u
cd "$(dirname "$0")/../.."
. test/lib/common.sh
q "CREATE EXTENSION IF NOT EXISTS commhub" >/dev/null

D=$(mktemp -d /tmp/commhub-fakeimap.XXXXXX)
chmod 755 "$D"
PID=
cleanup() {
    [ -n "$PID" ] && kill "$PID" 2>/dev/null
    [ -n "${KEEP_FAKE:-}" ] || rm -rf "$D"
}
trap cleanup EXIT
openssl req -x509 -newkey rsa:2048 -nodes -keyout "$D/key.pem" -out "$D/cert.pem" -days 2 \
    -subj "/CN=127.0.0.1" -addext "subjectAltName=IP:127.0.0.1" >/dev/null 2>&1
chmod 644 "$D/cert.pem" "$D/key.pem"

# start_fake MODE: the fake server on a free port with three messages
start_fake() {
    [ -n "$PID" ] && kill "$PID" 2>/dev/null
    PORT=$(free_port 19950) || return 1
    python3 test/e2e/fake_imap.py "$PORT" "$D/cert.pem" "$D/key.pem" "$1" "$D/$1.log" "$D"/m*.eml >"$D/$1.out" 2>&1 &
    PID=$!
    for _ in $(seq 1 50); do
        (exec 3<>"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null && return 0
        sleep 0.1
    done
    return 1
}
for i in 1 2 3; do
    printf 'From: wang.li@quirk-aux.cn\r\nTo: zhang@quirk.cn\r\nSubject: quirk %d\r\nDate: Mon, 17 Jun 2024 10:0%d:00 +0800\r\nMessage-ID: <quirk%d@quirk-aux.cn>\r\n\r\nbody %d\r\n' \
        $i $i $i $i > "$D/m$i.eml"
done

start_fake unsolicited
tap_ok $? "fake IMAPS server (unsolicited FETCH before a body) listens on 127.0.0.1:$PORT"
q "SELECT commhub.add_mailbox('quirk-unsolicited', 'imaps://127.0.0.1:$PORT', 'u', 'pw', ARRAY['INBOX'], ca_file => '$D/cert.pem')" >/dev/null
q "UPDATE commhub.mailboxes SET enabled = false WHERE mailbox_id = 'quirk-unsolicited'" >/dev/null
R=$(q "SELECT commhub.sync_mailbox('quirk-unsolicited')")
echo "# $R"
tap_ok $(grep -q '^# sent: unsolicited FETCH' "$D/unsolicited.log"; echo $?) \
   "the server sent its unsolicited flag update before the first body"
tap_ok $([ "$(q "SELECT count(*) FROM commhub.customer_communications WHERE message_id LIKE 'quirk_@quirk-aux.cn'")" = 3 ] && \
         echo "$R" | grep -q '"failed": 0'; echo $?) \
   "all 3 messages stored, none filed as unfetchable"
tap_ok $([ "$(q "SELECT count(*) FROM commhub.ingest_errors WHERE payload LIKE '%quirk-unsolicited%'")" = 0 ]; echo $?) \
   "nothing filed in ingest_errors"
q "DELETE FROM commhub.mailboxes WHERE mailbox_id LIKE 'quirk-%'" >/dev/null

# the worker and an open sync_mailbox() transaction on one mailbox
start_fake plain
q "ALTER SYSTEM SET commhub.mail_poll_interval = 1" >/dev/null
q "SELECT pg_reload_conf()" >/dev/null
for m in quirk-held quirk-free; do
    q "SELECT commhub.add_mailbox('$m', 'imaps://127.0.0.1:$PORT', 'u', 'pw', ARRAY['INBOX'], interval '10 seconds', ca_file => '$D/cert.pem')" >/dev/null
done
ok=1
for _ in $(seq 1 60); do
    [ "$(q "SELECT count(*) FROM commhub.mailboxes WHERE mailbox_id LIKE 'quirk-%' AND last_sync_at IS NOT NULL")" = 2 ] && { ok=0; break; }
    sleep 0.5
done
tap_ok $ok "the worker synced both mailboxes once"
# a session syncs quirk-held and leaves its transaction open for 40 s
psql_db commhub -q -c "BEGIN; SELECT commhub.sync_mailbox('quirk-held'); SELECT pg_sleep(40); COMMIT;" >/dev/null 2>&1 &
HOLDER=$!
sleep 1
t0=$(q "SELECT extract(epoch FROM last_sync_at) FROM commhub.mailboxes WHERE mailbox_id = 'quirk-free'")
n=0; waited=0; last=$t0
for _ in $(seq 1 70); do
    t=$(q "SELECT extract(epoch FROM last_sync_at) FROM commhub.mailboxes WHERE mailbox_id = 'quirk-free'")
    [ "$t" != "$last" ] && { n=$((n + 1)); last=$t; }
    [ "$(q "SELECT count(*) FROM pg_stat_activity WHERE backend_type = 'commhub mail sync' AND wait_event_type = 'Lock'")" != 0 ] && waited=$((waited + 1))
    [ $n -ge 2 ] && break
    sleep 0.5
done
tap_ok $([ $n -ge 2 ]; echo $?) "while another session holds quirk-held, the worker keeps syncing quirk-free (synced $n times)"
tap_ok $([ $waited -le 2 ]; echo $?) "and the worker does not sit waiting for that session's locks (seen waiting $waited times)"
kill $HOLDER 2>/dev/null; wait $HOLDER 2>/dev/null
q "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE query LIKE '%pg_sleep(40)%' AND pid <> pg_backend_pid()" >/dev/null
q "ALTER SYSTEM RESET commhub.mail_poll_interval" >/dev/null
q "SELECT pg_reload_conf()" >/dev/null
q "DELETE FROM commhub.mailboxes WHERE mailbox_id LIKE 'quirk-%'" >/dev/null
tap_done
