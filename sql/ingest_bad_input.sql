-- I4: bad input gets an SQLSTATE in class 22, a message naming the field and
-- a hint, and nothing is written; ingest_batch keeps the good items and files
-- the bad ones in commhub.ingest_errors.
SET commhub.tenant = 'T001';
CREATE FUNCTION pg_temp.try(channel text, payload jsonb) RETURNS text LANGUAGE plpgsql AS $$
DECLARE st text; msg text; hint text; detail text;
BEGIN
    PERFORM commhub.ingest(channel, payload);
    RETURN 'accepted';
EXCEPTION WHEN OTHERS THEN
    GET STACKED DIAGNOSTICS st = RETURNED_SQLSTATE, msg = MESSAGE_TEXT, hint = PG_EXCEPTION_HINT, detail = PG_EXCEPTION_DETAIL;
    RETURN st || ' | ' || msg || ' | ' || coalesce(detail, '') || ' | hint: ' || coalesce(hint, '');
END $$;
SELECT count(*) AS before FROM commhub.customer_communications \gset
SELECT pg_temp.try('fax', '{"id": 1}');
SELECT pg_temp.try('wechat', '"just a string"');
SELECT pg_temp.try('wechat', '[1, 2]');
SELECT pg_temp.try('wechat', '{"msgid": "m1", "action": "send", "from": "wm1", "tolist": ["u1"], "msgtype": "text", "text": {"content": "hi"}}');
SELECT pg_temp.try('wechat', '{"msgid": "m1", "action": "send", "from": "wm1", "tolist": ["u1"], "msgtime": "yesterday", "msgtype": "text", "text": {"content": "hi"}}');
SELECT pg_temp.try('visit', '{"visit_id": "V1", "customer_id": "C1", "visit_date": "2024-02-30 09:00", "content": "x"}');
SELECT pg_temp.try('visit', '{"visit_id": "V1", "customer_id": "C1", "content": "x"}');
SELECT pg_temp.try('phone', '{"call_sn": "X1", "caller_id": "13800138000", "start_time": "2024-06-15 09:00", "call_duration": "forty"}');
SELECT pg_temp.try('email', '{"messageId": "<big@x>", "date": "2024-06-15T01:00:00Z", "from": {"value": [{"address": "a@b.cn"}]}, "subject": "big", "text": "x", "attachments": [{"filename": "huge.zip", "size": 52428801}]}');
SELECT pg_temp.try('wechat', '{"msgid": "sw1", "action": "switch", "time": 1718415000000, "user": "u1"}');
SELECT pg_temp.try('form', '{"unrelated": true}');
-- an explicit customer_id that names no customer (add_customer first)
SELECT pg_temp.try('visit', '{"visit_id": "V-NOCUST", "customer_id": "C-NOT-ADDED", "visit_date": "2024-06-15 09:00", "content": "x"}');
SELECT count(*) = :before AS nothing_written FROM commhub.customer_communications;
SELECT commhub.ingest(NULL, '{}');
SELECT commhub.ingest('visit', NULL);
SELECT commhub.ingest_email_raw(NULL);
SELECT commhub.ingest_batch('visit', '{"not": "an array"}');

-- Batch: two good, three bad; the good ones are stored, the bad ones filed.
SELECT commhub.add_customer('C-BATCH', '批量客户') IS NOT NULL AS added;
SELECT commhub.ingest_batch('visit', '[
  {"visit_id": "B-OK-1", "customer_id": "C-BATCH", "visit_date": "2024-06-15 09:00", "location": "宁波", "content": "拜访客户,讨论PCR-ABS价格"},
  {"visit_id": "B-BAD-1", "customer_id": "C-BATCH", "content": "no date"},
  "not an object",
  {"visit_id": "B-BAD-2", "customer_id": "C-BATCH", "visit_date": "32/13/2024", "content": "bad date"},
  {"visit_id": "B-OK-2", "customer_id": "C-BATCH", "visit_date": "2024-06-16 10:00", "location": "上海", "content": "技术交流"}
]') AS batch;
SELECT batch_index, channel, sqlstate, field, left(message, 60) AS message, hint IS NOT NULL AS has_hint,
       payload IS NOT NULL AS kept_payload
  FROM commhub.ingest_errors ORDER BY id;
SELECT source_record_id FROM commhub.customer_communications WHERE customer_id = 'C-BATCH' ORDER BY 1;

-- A conflict with a concurrent session (here a serialization failure raised
-- by a trigger for one payload, every time) is no bad payload: after the
-- item's own retry fails too, the batch fails with that SQLSTATE -- nothing
-- is filed in ingest_errors and nothing is stored.
CREATE FUNCTION conflict_always() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.source_record_id = 'B-CONFLICT' THEN
    RAISE EXCEPTION 'could not serialize access (test)' USING ERRCODE = 'serialization_failure';
  END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER conflict_always BEFORE INSERT ON commhub.customer_communications FOR EACH ROW EXECUTE FUNCTION conflict_always();
SELECT count(*) AS errors_before FROM commhub.ingest_errors \gset
SELECT commhub.ingest_batch('visit', '[
  {"visit_id": "B-OK-3", "customer_id": "C-BATCH", "visit_date": "2024-06-17 09:00", "location": "宁波", "content": "回访"},
  {"visit_id": "B-CONFLICT", "customer_id": "C-BATCH", "visit_date": "2024-06-17 10:00", "location": "宁波", "content": "回访"}
]') AS batch;
SELECT count(*) - :errors_before AS new_errors FROM commhub.ingest_errors;
SELECT count(*) AS stored FROM commhub.customer_communications WHERE source_record_id IN ('B-OK-3', 'B-CONFLICT');
DROP TRIGGER conflict_always ON commhub.customer_communications;
DROP FUNCTION conflict_always();
-- reparse of no record: NULL (a sub-select that found nothing) and an
-- unknown id are errors with a hint, not a crash
SELECT commhub.reparse(NULL);
SELECT commhub.reparse((SELECT record_id FROM commhub.customer_communications WHERE source_record_id = 'no-such-record'));
SELECT commhub.reparse('NO-SUCH-RECORD');

-- In a batch, a payload whose explicit customer_id names no customer is
-- filed with its field; the others are stored.
SELECT commhub.ingest_batch('visit', '[
  {"visit_id": "B-OK-9", "customer_id": "C-BATCH", "visit_date": "2024-06-18 09:00", "content": "回访"},
  {"visit_id": "B-NOCUST", "customer_id": "C-NOPE", "visit_date": "2024-06-18 10:00", "content": "回访"}
]') - 'total' AS batch;
SELECT batch_index, sqlstate, field, hint IS NOT NULL AS has_hint FROM commhub.ingest_errors WHERE payload LIKE '%B-NOCUST%';
