#!/usr/bin/env bash
# bench/lib/timeline_client.sh: the timeline page as an application sees it --
# client-side latency measured by pgbench (one client, a Unix socket), for
# timeline('BIG') and the bare all-columns index scan of the same 50 rows,
# with prepared statements (-M prepared: plans kept) and without them
# (-M simple: every call parsed and planned, as most ORMs and ad-hoc clients
# send it).  Called at the end of bench/timeline.sql on its data; the
# server-side figures above are the main ones.
set -u
DB=${1:-${TL_DB:-commhub}}
SECS=${TL_SECS:-5}
PGBENCH=$(ls /usr/lib/postgresql/*/bin/pgbench 2>/dev/null | tail -1)
[ -x "$PGBENCH" ] || { echo "timeline_client: pgbench not found, skipped"; exit 0; }
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
cat >"$dir/bare.sql" <<'SQL'
SELECT c.record_id, c.communication_time, c.communication_type, c.channel, c.subject, c.summary, c.intent_category, c.sentiment, c.urgency_level, c.thread_id, c.id, c.direction, c.duration, c.attachment_count, c.missed, c.recalled_at, c.media_pending, c.related_records FROM commhub.customer_communications c WHERE c.tenant_id = 'T001' AND c.customer_id = 'BIG' ORDER BY c.communication_time DESC, c.id DESC LIMIT 50;
SQL
echo "SELECT * FROM commhub.timeline('BIG', page_size => 50);" >"$dir/timeline.sql"
lat() { "$PGBENCH" -n -M "$1" -T "$SECS" -f "$dir/$2.sql" "$DB" 2>&1 | sed -n 's/^latency average = \([0-9.]*\) ms$/\1/p'; }
echo "timeline as a client sees it (pgbench, 1 client, ${SECS} s each, ms per page of 50):"
for mode in prepared simple; do
    b=$(lat "$mode" bare); t=$(lat "$mode" timeline)
    if [ -z "$b" ] || [ -z "$t" ]; then echo "  $mode: pgbench failed"; exit 1; fi
    awk -v m="$mode" -v b="$b" -v t="$t" 'BEGIN { printf "  %-8s bare all columns %.3f  timeline %.3f  ratio %.2f\n", m, b, t, t / b }'
done
