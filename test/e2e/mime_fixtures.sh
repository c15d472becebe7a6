#!/usr/bin/env bash
# I2: every real-world message in test/fixtures/mime (copied byte for byte
# from other projects' test suites, see test/fixtures/SOURCES.md) ingests
# through commhub.ingest_email_raw on a live server: no crash, no error,
# valid UTF-8, and the Chinese ones with readable subjects (no U+FFFD).
set -u
cd "$(dirname "$0")/../.."
. test/lib/common.sh
q "CREATE EXTENSION IF NOT EXISTS commhub" >/dev/null
dir=$(pwd)/test/fixtures/mime
chmod o+rx "$(pwd)" "$(pwd)/test" "$(pwd)/test/fixtures" "$dir" 2>/dev/null; chmod o+r "$dir"/* 2>/dev/null
for f in "$dir"/*; do
    name=$(basename "$f")
    [ "$name" = roundcube__import.mbox ] && continue      # an mbox of several messages, not one message
    out=$(q "SELECT commhub.ingest_email_raw(pg_read_binary_file('$f'), 'fixtures')->>'status'")
    case "$out" in
        inserted|unmatched|merged|duplicate) tap_ok 0 "$name ingests ($out)" ;;
        *) tap_ok 1 "$name ingests: $out" ;;
    esac
done
tap_ok $([ "$(q "SELECT count(*) FROM commhub.customer_communications WHERE 'fixtures' = ANY (mailboxes) AND (subject LIKE '%�%' OR content LIKE '%�%') AND (subject ~ '[一-龥]' OR content ~ '[一-龥]') AND source_record_id NOT LIKE '%bad-charset%'")" = 0 ]; echo $?) \
   "no replacement characters in Chinese subjects or bodies"
big=$(q "SELECT commhub.ingest_email_raw(convert_to('Subject: x' || E'\r\n\r\n', 'UTF8') || decode(repeat('00', 52428801), 'hex'))" | head -1)
echo "$big" | grep -q 'over the 50 MB limit'; tap_ok $? "a message over 50 MB is refused with a clear error"
subj=$(q "SELECT subject FROM commhub.customer_communications WHERE content_original LIKE 'rfc822;base64,%' AND subject LIKE '%中文%' LIMIT 1")
echo "# sample decoded subject: $subj"
tap_done
