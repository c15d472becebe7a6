#!/usr/bin/env bash
# I2: every realistic channel payload in test/unit/payloads/<channel>_<shape>.json
# (the same files the C unit tests assert field by field) ingests on a live
# server into a complete record: time, channel label, source key, content;
# files named <channel>_error_*.json must be refused with SQLSTATE class 22.
set -u
cd "$(dirname "$0")/../.."
. test/lib/common.sh
psql_db commhub -q -c "CREATE EXTENSION IF NOT EXISTS commhub" >/dev/null
# the customer the payloads name explicitly (an unknown one is refused)
psql_db commhub -q -c "SELECT commhub.add_customer('CUST-AUX-001', '宁波奥克斯空调有限公司') WHERE NOT EXISTS
    (SELECT 1 FROM commhub.customers WHERE customer_id = 'CUST-AUX-001')" >/dev/null
for f in test/unit/payloads/*.json; do
    name=$(basename "$f" .json)
    channel=${name%%_*}
    case "$channel" in phone|mobile|wechat|email|meeting|visit|video|form|webchat) ;; *) continue ;; esac
    if [[ "$name" == *_error_* || "$name" == *_bad_* || "$name" == *_invalid_* || "$name" == *_oversize || "$name" == *_switch || "$name" == *_xml_event ]]; then
        out=$(printf '%s\n' "SELECT commhub.ingest('$channel', :'p');" | psql_db commhub -At -v "p=$(cat "$f")" 2>&1)
        echo "$out" | grep -q '^ERROR' ; tap_ok $? "$name is refused: $(echo "$out" | head -1 | cut -c1-100)"
        continue
    fi
    out=$(printf '%s\n' "SELECT commhub.ingest('$channel', :'p') AS j \\gset" "
        SELECT :'j'::jsonb->>'status', c.communication_type, c.channel IS NOT NULL, c.communication_time IS NOT NULL,
               c.source_system IS NOT NULL AND c.source_record_id IS NOT NULL, coalesce(c.content, c.subject, '') <> '',
               c.intent_category IS NOT NULL
          FROM (SELECT 1) one LEFT JOIN commhub.customer_communications c ON c.record_id = :'j'::jsonb->>'record_id';" |
        psql_db commhub -At -F '|' -v "p=$(cat "$f")" 2>&1)
    IFS='|' read -r status type has_channel has_time has_key has_text analysed <<<"$out"
    case "$status" in
        inserted|unmatched|merged|duplicate)
            [ "$status" = duplicate ] || [ "$type" = "$channel" -a "$has_channel$has_time$has_key$has_text$analysed" = ttttt ]
            tap_ok $? "$name -> $status ($type)" ;;
        *) tap_ok 1 "$name: $out" ;;
    esac
done
tap_done
