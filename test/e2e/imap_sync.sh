#!/usr/bin/env bash
# E1 against a real IMAP server: Dovecot on 127.0.0.1 (imaps, a self-signed
# certificate verified through the mailbox's ca_file), Maildir folders
# INBOX / Sent / Drafts filled with the real-world MIME fixtures and Chinese
# mail.  commhub.sync_mailbox() stores every message once, remembers its
# place (UIDVALIDITY + last UID), fetches only new mail next time, skips a
# message over 50 MB without downloading it, survives a UIDVALIDITY reset
# without duplicates, reports a missing folder, a wrong password and an
# unverifiable certificate as sync state (not exceptions), hides the
# password from readers; the "commhub mail sync" background worker syncs a
# due mailbox on its own, committing in batches.
set -u
cd "$(dirname "$0")/../.."
. test/lib/common.sh
q "CREATE EXTENSION IF NOT EXISTS commhub" >/dev/null
LOG_START=$(wc -c < "$CLUSTER_DIR/server.log")

D=$(mktemp -d /tmp/commhub-imap.XXXXXX)
chmod 755 "$D"
PORT=$(free_port 19900) || { echo "not ok 1 - no free port"; exit 1; }
cleanup() {
    [ -f "$D/run/master.pid" ] && kill "$(cat "$D/run/master.pid")" 2>/dev/null
    sleep 0.5
    rm -rf "$D"
}
trap cleanup EXIT

openssl req -x509 -newkey rsa:2048 -nodes -keyout "$D/key.pem" -out "$D/cert.pem" -days 2 \
    -subj "/CN=127.0.0.1" -addext "subjectAltName=IP:127.0.0.1,DNS:localhost" >/dev/null 2>&1
chmod 644 "$D/cert.pem"
mkdir -p "$D/run" "$D/state" "$D/home"
MAILUSER=postgres
cat > "$D/dovecot.conf" <<EOF
base_dir = $D/run
state_dir = $D/state
log_path = $D/dovecot.log
protocols = imap
listen = 127.0.0.1
ssl = required
ssl_cert = <$D/cert.pem
ssl_key = <$D/key.pem
auth_mechanisms = plain login
disable_plaintext_auth = yes
first_valid_uid = $(id -u $MAILUSER)
mail_location = maildir:~/Maildir
passdb {
  driver = passwd-file
  args = scheme=PLAIN username_format=%u $D/users
}
userdb {
  driver = static
  args = uid=$MAILUSER gid=$(id -gn $MAILUSER) home=$D/home/%u
}
service imap-login {
  inet_listener imap {
    port = 0
  }
  inet_listener imaps {
    address = 127.0.0.1
    port = $PORT
    ssl = yes
  }
}
service stats {
  unix_listener stats-reader {
    mode = 0666
  }
  unix_listener stats-writer {
    mode = 0666
  }
}
EOF
printf 'sales:{PLAIN}s3cret-imap-pw\nboss:{PLAIN}boss-pw\n' > "$D/users"

N=0
# put FILE into user's folder (INBOX or a Maildir++ subfolder)
deliver() {
    local user=$1 folder=$2 file=$3 dir
    if [ "$folder" = INBOX ]; then dir="$D/home/$user/Maildir"; else dir="$D/home/$user/Maildir/.$folder"; fi
    mkdir -p "$dir/new" "$dir/cur" "$dir/tmp"
    N=$((N + 1))
    cp "$file" "$dir/new/$(date +%s).M${N}P$$.commhub-test"
}
mail_text() {   # subject-b64 from to msgid body-b64 [charset]
    printf 'From: %s\r\nTo: %s\r\nSubject: =?%s?B?%s?=\r\nDate: Mon, 17 Jun 2024 10:%02d:00 +0800\r\nMessage-ID: <%s>\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=%s\r\nContent-Transfer-Encoding: base64\r\n\r\n%s\r\n' \
        "$2" "$3" "${6:-UTF-8}" "$1" $((N % 60)) "$4" "${6:-UTF-8}" "$5"
}
b64() { printf '%s' "$1" | iconv -f UTF-8 -t "${2:-UTF-8}" | base64 -w0; }

for f in test/fixtures/mime/*; do
    [ "$(basename "$f")" = roundcube__import.mbox ] && continue
    deliver sales INBOX "$f"
done
NFIX=$(( $(ls test/fixtures/mime | grep -vc '^roundcube__import.mbox$') + 1 ))   # + the read one
mail_text "$(b64 'PCR-ABS-1000报价' GB2312)" 'Zhang <zhang@imap-aux.cn>' 'wang.li@ningbo-aux.com' sent1@imap-aux.cn \
    "$(b64 '王经理您好,PCR-ABS-1000含税价15800元/吨,50吨起订。' GB2312)" GB2312 > "$D/m1"
mail_text "$(b64 '回复: 交期确认')" 'Zhang <zhang@imap-aux.cn>' 'wang.li@ningbo-aux.com' sent2@imap-aux.cn \
    "$(b64 '交期确认为7月15日,请安排收货。')" > "$D/m2"
mail_text "$(b64 '草稿: 样品寄送')" 'zhang@imap-aux.cn' 'wang.li@ningbo-aux.com' draft1@imap-aux.cn "$(b64 '样品下周寄出')" > "$D/m3"
deliver sales Sent "$D/m1"; deliver sales Sent "$D/m2"; deliver sales Drafts "$D/m3"
# a folder with a Chinese name: on the server it is modified UTF-7 (&XfJT0ZAB-)
mail_text "$(b64 '已发送: 样品单')" 'zhang@imap-aux.cn' 'wang.li@ningbo-aux.com' cnfolder1@imap-aux.cn "$(b64 '样品单已发出')" > "$D/m4"
deliver sales '&XfJT0ZAB-' "$D/m4"
# an ASCII folder name with '&' (R&D): on the server it is R&-D
mail_text "$(b64 '研发部: 配方')" 'zhang@imap-aux.cn' 'wang.li@ningbo-aux.com' rnd1@imap-aux.cn "$(b64 '新配方样品')" > "$D/m6"
deliver sales 'R&-D' "$D/m6"
# one INBOX message the user has already read (Maildir flag S)
mail_text "$(b64 '已读的邮件')" 'wang.li@ningbo-aux.com' 'zhang@imap-aux.cn' read1@ningbo-aux.com "$(b64 '这封已经读过了')" > "$D/m5"
mkdir -p "$D/home/sales/Maildir/cur"; cp "$D/m5" "$D/home/sales/Maildir/cur/$(date +%s).Mread.commhub-test:2,S"
for i in 1 2 3 4 5; do
    mail_text "$(b64 "询价 $i")" 'wang.li@ningbo-aux.com' 'boss@imap-aux.cn' "boss$i@ningbo-aux.com" "$(b64 "老板您好,PP-T20月需求${i}0吨,请报价。")" > "$D/b$i"
    deliver boss INBOX "$D/b$i"
done
chown -R $MAILUSER: "$D/home"
dovecot -c "$D/dovecot.conf" || { echo "not ok 1 - dovecot did not start"; cat "$D/dovecot.log"; exit 1; }
up=1
for _ in $(seq 1 50); do
    (exec 3<>"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null && { up=0; break; }
    sleep 0.2
done
tap_ok $up "Dovecot listens (imaps) on 127.0.0.1:$PORT"

URL="imaps://127.0.0.1:$PORT"
MB=sales@imap-aux.cn
q "SELECT commhub.add_staff('zhang', 'email', 'zhang@imap-aux.cn')" >/dev/null
q "SELECT commhub.add_customer('IMAP-AUX', '宁波奥克斯(IMAP)')" >/dev/null
q "SELECT commhub.add_identity('IMAP-AUX', 'email', 'wang.li@ningbo-aux.com')" >/dev/null
q "SELECT commhub.add_mailbox('$MB', '$URL', 'sales', 's3cret-imap-pw', ARRAY['INBOX', 'Sent', 'Drafts', 'Archive', '已发送', 'R&D'], ca_file => '$D/cert.pem')" >/dev/null
fj() { q "SELECT (e->>'$2') FROM jsonb_array_elements(('$R')::jsonb->'folders') e WHERE e->>'folder' = '$1'"; }

R=$(q "SELECT commhub.sync_mailbox('$MB', max_messages => 30)")
tap_ok $([ "$(fj INBOX seen)" = 30 ] && echo "$R" | grep -q '"more": true' && \
         [ "$(q "SELECT last_uid FROM commhub.mailbox_folders WHERE mailbox_id = '$MB' AND folder = 'INBOX'")" = 30 ]; echo $?) \
   "max_messages 30: INBOX stops after 30 with \"more\": true, place at UID 30"
s1=$(fj INBOX stored); m1=$(fj INBOX merged); d1=$(fj INBOX duplicates)
R1=$R
fj1() { local R=$R1; fj "$@"; }
R=$(q "SELECT commhub.sync_mailbox('$MB')")
echo "# first sync: $(echo "$R" | cut -c1-400)"
tap_ok $([ "$(fj INBOX seen)" = $((NFIX - 30)) ] && [ "$(fj INBOX failed)" = 0 ] && \
         [ $(( s1 + m1 + d1 + $(fj INBOX stored) + $(fj INBOX merged) + $(fj INBOX duplicates) )) = "$NFIX" ]; echo $?) \
   "INBOX: the next call takes the other $((NFIX - 30)); all $NFIX real-world messages ingested, none refused"
tap_ok $([ "$(fj1 '已发送' stored)" = 1 ] && [ "$(q "SELECT subject FROM commhub.customer_communications WHERE message_id = 'cnfolder1@imap-aux.cn'")" = '已发送: 样品单' ]; echo $?) \
   "a folder named 已发送 (modified UTF-7 on the server) syncs"
tap_ok $([ "$(fj1 'R&D' stored)" = 1 ] && [ -z "$(fj1 'R&D' error)" ]; echo $?) \
   "a folder named R&D (R&-D on the server) syncs $(fj1 'R&D' error)"
nseen=$(ls "$D/home/sales/Maildir/cur" | grep -c ':2,[A-Za-z]*S')
tap_ok $([ "$nseen" = 1 ] && [ "$(ls "$D/home/sales/Maildir/cur" | grep -c 'Mread.*:2,[A-Za-z]*S')" = 1 ]; echo $?) \
   "the sync leaves unread mail unread on the server (only the message read before is \\Seen: $nseen)"
tap_ok $([ "$(fj1 Sent stored)" = 2 ] && [ "$(fj1 Drafts stored)" = 1 ] && [ "$(fj Sent seen)" = 0 ]; echo $?) "Sent: 2 stored, Drafts: 1 stored (in the first call; nothing new in the second)"
tap_ok $([ "$(fj Archive seen)" = 0 ] && fj1 Archive error | grep -qi 'NO' && fj Archive error | grep -qi 'NO'; echo $?) "a folder the server does not have is reported per folder: $(fj Archive error)"
tap_ok $([ "$(q "SELECT last_status FROM commhub.mailboxes WHERE mailbox_id = '$MB'")" = partial ]; echo $?) "mailbox status 'partial' (one folder failed, the others synced)"
tap_ok $([ "$(q "SELECT count(*) FROM commhub.customer_communications WHERE '$MB' = ANY (mailboxes)")" -ge $((NFIX * 3 / 4)) ]; echo $?) \
   "records carry the mailbox (messages sharing a Message-ID are one record) ($(q "SELECT count(*) FROM commhub.customer_communications WHERE '$MB' = ANY (mailboxes)") records)"
tap_ok $([ "$(q "SELECT subject FROM commhub.customer_communications WHERE message_id = 'sent1@imap-aux.cn'")" = 'PCR-ABS-1000报价' ]; echo $?) \
   "GB2312 subject from the Sent folder reads PCR-ABS-1000报价"
tap_ok $([ "$(q "SELECT direction || '/' || customer_id FROM commhub.customer_communications WHERE message_id = 'sent1@imap-aux.cn'")" = 'outbound/IMAP-AUX' ]; echo $?) \
   "the sent message is outbound to customer IMAP-AUX (staff identity + customer address)"
natt=$(q "SELECT count(*) FROM commhub.communication_attachments a JOIN commhub.customer_communications c USING (record_id) WHERE '$MB' = ANY (c.mailboxes)")
tap_ok $([ "$natt" -ge 5 ] && [ "$(q "SELECT count(*) FROM commhub.communication_attachments a JOIN commhub.customer_communications c USING (record_id) WHERE '$MB' = ANY (c.mailboxes) AND a.file_hash !~ '^[0-9a-f]{64}$'")" = 0 ]; echo $?) \
   "attachments stored with name, size and SHA-256 ($natt attachments)"
inbox_uid=$(q "SELECT last_uid FROM commhub.mailbox_folders WHERE mailbox_id = '$MB' AND folder = 'INBOX'")
tap_ok $([ "$inbox_uid" = "$NFIX" ] && [ -n "$(q "SELECT uidvalidity FROM commhub.mailbox_folders WHERE mailbox_id = '$MB' AND folder = 'INBOX'")" ]; echo $?) \
   "place remembered: INBOX UIDVALIDITY $(q "SELECT uidvalidity FROM commhub.mailbox_folders WHERE mailbox_id = '$MB' AND folder = 'INBOX'"), last UID $inbox_uid"

before=$(q "SELECT count(*) FROM commhub.customer_communications")
R=$(q "SELECT commhub.sync_mailbox('$MB')")
tap_ok $([ "$(fj INBOX seen)" = 0 ] && [ "$(fj Sent seen)" = 0 ] && [ "$(q "SELECT count(*) FROM commhub.customer_communications")" = "$before" ]; echo $?) \
   "second sync fetches nothing and stores nothing"

# new mail: one ordinary message and one of 51 MB
mail_text "$(b64 '急: 来料黑点')" 'wang.li@ningbo-aux.com' 'zhang@imap-aux.cn' new1@ningbo-aux.com "$(b64 '今天到的PCR-ABS有黑点,很不满意,请马上处理!')" > "$D/n1"
{ printf 'From: wang.li@ningbo-aux.com\r\nTo: zhang@imap-aux.cn\r\nSubject: big drawings\r\nMessage-ID: <huge1@ningbo-aux.com>\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=XX\r\n\r\n--XX\r\nContent-Type: text/plain\r\n\r\nsee attachment\r\n--XX\r\nContent-Type: application/octet-stream; name=big.bin\r\nContent-Transfer-Encoding: base64\r\n\r\n'
  head -c 39000000 /dev/zero | base64 -w 76
  printf '\r\n--XX--\r\n'; } > "$D/n2"
deliver sales INBOX "$D/n1"; deliver sales INBOX "$D/n2"; chown -R $MAILUSER: "$D/home"
R=$(q "SELECT commhub.sync_mailbox('$MB')")
echo "# after new mail: $(fj INBOX seen) seen, $(fj INBOX stored) stored, $(fj INBOX skipped_oversize) over 50 MB ($(stat -c %s "$D/n2") bytes on disk)"
tap_ok $([ "$(fj INBOX seen)" = 2 ] && [ "$(fj INBOX stored)" = 1 ] && [ "$(fj INBOX skipped_oversize)" = 1 ]; echo $?) \
   "only the 2 new messages are looked at: 1 stored, the 51 MB one skipped"
tap_ok $([ "$(q "SELECT count(*) FROM commhub.ingest_errors WHERE sqlstate = '54000' AND payload LIKE '%$MB%' AND message LIKE '%not downloaded%'")" = 1 ]; echo $?) \
   "the skipped message is filed in ingest_errors (54000, mailbox, folder, UID)"
tap_ok $([ "$(q "SELECT last_uid FROM commhub.mailbox_folders WHERE mailbox_id = '$MB' AND folder = 'INBOX'")" = $((inbox_uid + 2)) ]; echo $?) \
   "the place moved past both (last UID $((inbox_uid + 2)))"
tap_ok $([ "$(q "SELECT urgency_level FROM commhub.customer_communications WHERE message_id = 'new1@ningbo-aux.com'")" = high ]; echo $?) \
   "the synced complaint is analysed on ingest (urgency high)"

# UIDVALIDITY reset: the server forgets its UIDs
kill "$(cat "$D/run/master.pid")"; sleep 1.2
rm -f "$D/home/sales/Maildir/dovecot-uidlist" "$D/home/sales/Maildir"/dovecot.index*
dovecot -c "$D/dovecot.conf"; sleep 0.5
before=$(q "SELECT count(*) FROM commhub.customer_communications")
R=$(q "SELECT commhub.sync_mailbox('$MB')")
echo "# after UIDVALIDITY reset: reset $(fj INBOX reset), seen $(fj INBOX seen), stored $(fj INBOX stored), merged $(fj INBOX merged), duplicates $(fj INBOX duplicates)"
tap_ok $([ "$(fj INBOX reset)" = true ] && [ "$(fj INBOX seen)" = $((NFIX + 2)) ]; echo $?) \
   "UIDVALIDITY change detected: the folder is read again from the start"
tap_ok $([ "$(q "SELECT count(*) FROM commhub.customer_communications")" = "$before" ] && [ "$(fj INBOX stored)" = 0 ] && \
         [ $(( $(fj INBOX duplicates) + $(fj INBOX merged) )) = $((NFIX + 1)) ]; echo $?) \
   "and nothing is stored twice: $(fj INBOX duplicates) duplicates, $(fj INBOX merged) merged (fixtures that share a Message-ID with different bodies)"

# failures are sync state, not exceptions
q "SELECT commhub.add_mailbox('bad-pw@imap-aux.cn', '$URL', 'sales', 'wrong', ARRAY['INBOX'], ca_file => '$D/cert.pem')" >/dev/null
R=$(q "SELECT commhub.sync_mailbox('bad-pw@imap-aux.cn')")
tap_ok $(echo "$R" | grep -q '"status": "failed"' && [ -n "$(q "SELECT last_error FROM commhub.mailboxes WHERE mailbox_id = 'bad-pw@imap-aux.cn'")" ]; echo $?) \
   "wrong password: status failed, error kept ($(q "SELECT last_error FROM commhub.mailboxes WHERE mailbox_id = 'bad-pw@imap-aux.cn'" | cut -c1-60))"
tap_ok $(q "SELECT count(*) FROM commhub.mailbox_sync_state WHERE mailbox_id = 'bad-pw@imap-aux.cn' AND last_status = 'failed'" | grep -qx 1; echo $?) \
   "mailbox_sync_state shows it"
q "SELECT commhub.add_mailbox('no-ca@imap-aux.cn', '$URL', 'sales', 's3cret-imap-pw', ARRAY['INBOX'])" >/dev/null
R=$(q "SELECT commhub.sync_mailbox('no-ca@imap-aux.cn')")
tap_ok $(echo "$R" | grep -qi 'certificate' && echo "$R" | grep -q '"status": "failed"'; echo $?) \
   "a certificate not signed by a trusted CA is refused (TLS verification on by default)"
out=$(q "SELECT commhub.sync_mailbox('nobody@imap-aux.cn')")
tap_ok $(echo "$out" | grep -q 'not a configured mailbox'; echo $?) "unknown mailbox_id: clear error"
out=$(q "SELECT commhub.add_mailbox('x', 'https://mail.example.com', 'u', 'p')")
tap_ok $(echo "$out" | grep -q 'not an IMAP server URL'; echo $?) "add_mailbox refuses a non-IMAP URL"
q "UPDATE commhub.mailboxes SET enabled = false WHERE mailbox_id IN ('bad-pw@imap-aux.cn', 'no-ca@imap-aux.cn')" >/dev/null

# readers see sync state, never the password
q "DROP ROLE IF EXISTS imap_reader; CREATE ROLE imap_reader; GRANT commhub_reader TO imap_reader" >/dev/null
q "SELECT commhub.grant_tenant('T001', 'imap_reader')" >/dev/null
out=$(q "SET ROLE imap_reader; SELECT password FROM commhub.mailboxes")
tap_ok $(echo "$out" | grep -q 'permission denied'; echo $?) "a reader cannot read the password column"
tap_ok $([ "$(q "SET ROLE imap_reader; SELECT count(*) FROM commhub.mailbox_sync_state WHERE mailbox_id = '$MB'" | tail -1)" = 6 ]; echo $?) \
   "a reader sees the sync state of the 6 folders"
tap_ok $(tail -c +$((LOG_START + 1)) "$CLUSTER_DIR/server.log" | grep -q 's3cret-imap-pw'; [ $? -ne 0 ]; echo $?) "the password is not in the server log (syncs, failures, worker)"

# the background worker: a due mailbox is synced without anyone asking, in batches of 2
q "ALTER SYSTEM SET commhub.mail_poll_interval = 1" >/dev/null
q "ALTER SYSTEM SET commhub.mail_batch = 2" >/dev/null
q "SELECT pg_reload_conf()" >/dev/null
q "SELECT commhub.add_mailbox('boss@imap-aux.cn', '$URL', 'boss', 'boss-pw', ARRAY['INBOX'], ca_file => '$D/cert.pem')" >/dev/null
got=1
for _ in $(seq 1 60); do
    [ "$(q "SELECT stored FROM commhub.mailbox_folders WHERE mailbox_id = 'boss@imap-aux.cn' AND folder = 'INBOX'")" = 5 ] && { got=0; break; }
    sleep 0.5
done
tap_ok $got "the mail sync worker synced the new mailbox by itself (5 messages, batches of 2)"
tap_ok $([ "$(q "SELECT count(*) FROM commhub.customer_communications WHERE 'boss@imap-aux.cn' = ANY (mailboxes)")" = 5 ] && \
         [ "$(q "SELECT last_status FROM commhub.mailboxes WHERE mailbox_id = 'boss@imap-aux.cn'")" = ok ]; echo $?) \
   "5 records, mailbox status ok"
q "ALTER SYSTEM RESET commhub.mail_poll_interval" >/dev/null
q "ALTER SYSTEM RESET commhub.mail_batch" >/dev/null
q "SELECT pg_reload_conf()" >/dev/null
q "UPDATE commhub.mailboxes SET enabled = false" >/dev/null
tap_done
