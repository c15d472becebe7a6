-- Chinese search: two-character words through the GIN bigram index, ranked
-- newest first, per customer or across the tenant.
SET commhub.tenant = 'T001';
SELECT commhub.add_customer('C-SRCH', '搜索测试客户');
SELECT commhub.ingest_batch('visit', '[
 {"visit_id": "S-1", "customer_id": "C-SRCH", "visit_date": "2024-06-10 09:00", "location": "宁波", "content": "客户询价PCR-ABS-1000,月需求50吨"},
 {"visit_id": "S-2", "customer_id": "C-SRCH", "visit_date": "2024-06-11 09:00", "location": "宁波", "content": "客户投诉交货延迟"},
 {"visit_id": "S-3", "customer_id": "C-SRCH", "visit_date": "2024-06-12 09:00", "location": "宁波", "content": "再次询价,希望降价"},
 {"visit_id": "S-4", "customer_id": "C-SRCH", "visit_date": "2024-06-13 09:00", "location": "宁波", "content": "价询问题无关"}
]')->>'inserted' AS loaded;
SELECT record_id LIKE 'VISIT-%' AS ok, communication_time, snippet FROM commhub.search('询价', 'C-SRCH');
SELECT count(*) AS pcr FROM commhub.search('pcr-abs', 'C-SRCH');
SELECT count(*) AS fullwidth FROM commhub.search('ＰＣＲ', 'C-SRCH');
SELECT * FROM commhub.search('询', 'C-SRCH');
-- the snippet is cut where the match is, also when NFKC changes lengths before it (㎏ -> kg)
SELECT commhub.ingest('visit', '{"visit_id": "S-5", "customer_id": "C-SRCH", "visit_date": "2024-06-14 09:00", "location": "宁波",
  "content": "样品每包25㎏,共㎏㎏㎏㎏㎏㎏㎏㎏㎏㎏㎏㎏㎏㎏㎏㎏㎏㎏㎏㎏㎏㎏,客户再次报价确认"}')->>'status' AS loaded;
SELECT snippet LIKE '%报价确认%' AS snippet_shows_match FROM commhub.search('报价确认', 'C-SRCH');
-- text copied from a record finds it when it holds compatibility characters
-- (㎏, ㎡, ①, ℃): document and query terms are both taken from the NFKC form,
-- so 25㎏ and 25kg are the same words whichever one was stored or typed
SELECT commhub.ingest_batch('visit', '[
 {"visit_id": "S-6", "customer_id": "C-SRCH", "visit_date": "2024-06-15 09:00", "location": "宁波", "content": "包装25㎏/袋,厂房3000㎡,①号线温度16℃"},
 {"visit_id": "S-7", "customer_id": "C-SRCH", "visit_date": "2024-06-16 09:00", "location": "宁波", "content": "包装25kg/袋,厂房3000m2,1号线"}
]')->>'inserted' AS loaded;
SELECT q, count(*) AS found
  FROM unnest(ARRAY['25㎏', '25kg', '3000㎡', '3000m2', '①号线', '1号线', '16℃']) AS q, commhub.search(q, 'C-SRCH')
 GROUP BY q ORDER BY q;
SET enable_seqscan = off;
EXPLAIN (COSTS OFF) SELECT 1 FROM commhub.customer_communications c
 WHERE commhub.search_terms(coalesce(c.subject, '') || ' ' || left(coalesce(c.content, ''), 4000)) @> ARRAY['询价'];
