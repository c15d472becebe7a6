-- A1: a meeting reported twice -- by the video platform and by the
-- salesperson's visit report -- is one entry in the timeline; two meetings
-- of one morning that do not overlap in time (a 09:00 video call, a 10:30
-- visit) stay two.
SET commhub.tenant = 'T001';
SELECT commhub.add_customer('C-MTG', '会议去重客户');
-- one meeting: Zoom 10:00-11:00 and the visit report of it from 10:10
SELECT commhub.ingest('video', '{"meeting_id": "MTG-1", "platform": "zoom", "customer_id": "C-MTG", "topic": "季度业务评审",
  "start_time": "2024-06-17 10:00", "end_time": "2024-06-17 11:00"}')->>'status' AS video_1;
SELECT commhub.ingest('visit', '{"visit_id": "V-MTG-1", "customer_id": "C-MTG", "visit_date": "2024-06-17 10:10",
  "duration_minutes": 60, "sales_person": "王明", "content": "季度业务评审:客户确认三季度PCR-ABS需求,讨论交期。"}')->>'status' AS visit_1;
-- two meetings: a video call 09:00-09:30, then a visit at 10:30
SELECT commhub.ingest('video', '{"meeting_id": "MTG-2", "platform": "zoom", "customer_id": "C-MTG", "topic": "样品问题电话会",
  "start_time": "2024-06-18 09:00", "end_time": "2024-06-18 09:30"}')->>'status' AS video_2;
SELECT commhub.ingest('visit', '{"visit_id": "V-MTG-2", "customer_id": "C-MTG", "visit_date": "2024-06-18 10:30",
  "duration_minutes": 90, "sales_person": "王明", "content": "到厂拜访采购部,介绍新牌号PP-T20。"}')->>'status' AS visit_2;
SELECT source_record_id, communication_type, canonical_record_id IS NOT NULL AS folded,
       (SELECT p.source_record_id FROM commhub.customer_communications p WHERE p.record_id = c.canonical_record_id) AS folded_into
  FROM commhub.customer_communications c WHERE customer_id = 'C-MTG' ORDER BY communication_time, id;
SELECT count(*) AS timeline_rows FROM commhub.timeline('C-MTG');
