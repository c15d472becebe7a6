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
SET enable_seqscan = off;
EXPLAIN (COSTS OFF) SELECT 1 FROM commhub.customer_communications c
 WHERE commhub.search_terms(coalesce(c.subject, '') || ' ' || left(coalesce(c.content, ''), 4000)) @> ARRAY['询价'];
