-- I3: a WeCom image or voice message is stored at once with a clear
-- placeholder; when the OCR / transcription arrives, set_media_text puts the
-- text in content and the record is analysed again.  A re-sync of the same
-- message stays a duplicate and keeps the text.
SET commhub.tenant = 'T001';
SELECT commhub.add_customer('C-MEDIA', '媒体测试客户') IS NULL AS added;
SELECT commhub.add_identity('C-MEDIA', 'wecom', 'wmMedia01') IS NULL AS mapped;
\set voice '{"msgid": "media-v1", "action": "send", "from": "wmMedia01", "tolist": ["wangming"], "roomid": "", "msgtime": 1718415000000, "msgtype": "voice", "voice": {"md5sum": "9db09e7b002a190b00b3a3d2c46a5f5d", "voice_size": 4000, "play_length": 12, "sdkfileid": "kcyZjZqOXhETGYxajB2Zkp5Rk8zYzh4RVF5ZjZQ"}}'
SELECT commhub.ingest('wechat', :'voice')->>'status' AS stored;
SELECT content, media_pending, intent_category FROM commhub.customer_communications WHERE source_record_id = 'media-v1';
SELECT r->>'status' AS status FROM commhub.set_media_text(
    (SELECT record_id FROM commhub.customer_communications WHERE source_record_id = 'media-v1'),
    '王经理,上批PCR-ABS有黑点,客户投诉了,今天必须给我处理方案') r;
SELECT content, media_pending, intent_category, urgency_level, sentiment
  FROM commhub.customer_communications WHERE source_record_id = 'media-v1';
SELECT commhub.ingest('wechat', :'voice')->>'status' AS resync;
SELECT content LIKE '[语音] 王经理%' AS text_kept FROM commhub.customer_communications WHERE source_record_id = 'media-v1';
SELECT commhub.set_media_text('NO-SUCH-RECORD', 'x');
SELECT commhub.set_media_text((SELECT record_id FROM commhub.customer_communications WHERE source_record_id = 'media-v1'), '  ');
