/*
 * channels.h -- turn one channel payload (as received from a vendor, a
 * webhook or a sync job) into commhub's normalized record.  Server
 * independent (jansson only): unit-tested and fuzzed without a server.
 *
 * The Postgres glue (src/ingest.c) calls chn_normalize(), resolves the
 * customer and direction from "addresses", then writes the row.  The
 * shape of each accepted payload is detected from its keys, never from a
 * caller-declared format.
 *
 * NORMALIZED RECORD (a jansson object; keys absent or null when unknown)
 *   communication_type  string  phone|mobile|wechat|email|meeting|visit|video|form|webchat  (always)
 *   channel             string  display label: 400电话 移动电话 企业微信 Email 会议 商务拜访
 *                               腾讯会议 Zoom Teams 钉钉 视频会议 表单 官网咨询  (always)
 *   source_system       string  asterisk freeswitch carrier_400 mobile_log wechat_work email
 *                               tencent_meeting zoom teams dingtalk crm_visit crm_meeting
 *                               web_form webchat  (always)
 *   source_record_id    string  natural key within source_system, <= 64 bytes; a longer
 *                               natural id becomes "sha256:" + first 57 hex of its SHA-256
 *                               (always)
 *   communication_time  integer microseconds since epoch, UTC (always)
 *   duration            integer seconds, <= 2147483647 (the int4 column; a longer one is
 *                               an error 22003 naming the field it came from)
 *   direction_hint      string  inbound|outbound when the payload says so (CDR direction,
 *                               mobile in/out, a visit is outbound); the glue prefers staff
 *                               identities (SPEC C2) and falls back to this
 *   initiated_by, handled_by, assigned_to   string
 *   participants        array of strings ("name <addr>" or ids)
 *   subject             string  <= 256 code points (truncated on a char boundary)
 *   content             string  readable text (transcript, chat text, body)
 *   summary             string  only when the payload carries one
 *   recording_url       string  <= 256 bytes (longer: kept in content_extra)
 *   attachments         array of {file_name, file_type (pdf/doc/xls/jpg/mp3/mp4/...
 *                               lower-case extension), file_size (int, <= 2147483647),
 *                               file_url, file_hash (hex sha256 when computed, else vendor
 *                               md5 as "md5:<hex>"), content_type}; a bigger file (a 3 GB
 *                               WeCom video) has no file_size but size_bytes (int, the
 *                               true size), its message keeps the size in the text
 *                               ("[文件] x.mp4 (3.0 GB)") and in extra.file_size
 *   addresses           array of {kind: email|phone|wecom|meeting, value: normalized
 *                               (norm_email_address / norm_phone / raw id / account),
 *                               role: from|to|cc}
 *   customer_id, project_id, opportunity_id  string; contact_id integer  (explicit in payload)
 *   message_id, in_reply_to  string (email, without <>); references array of strings
 *   chat_key            string  wechat: "room:<roomid>" or "pair:<a>|<b>" (sorted)
 *   call_number         string  phone/mobile: normalized external number (call-back threading)
 *   missed              bool    an unanswered call (glue sets follow_up_required)
 *   recall_of           string  wechat revoke: source_record_id of the recalled message;
 *                               the glue marks that record instead of inserting
 *   media_pending       string  image|voice|video|file when content is a placeholder waiting
 *                               for OCR/transcription ("[图片] 待识别" etc.)
 *   follow_up_items     array of strings (action items carried by the payload; owner and
 *                               due date, when given, in the text: "起草供货合同(负责人: 李静,
 *                               截止: 2024-06-18)")
 *   follow_up_details   array of {item, title, owner, due} for the action items that name
 *                               an owner or a readable due time: item is the follow_up_items
 *                               string (the join key), title the bare action, owner as given,
 *                               due an ISO 8601 UTC instant ("2024-06-18T10:00:00Z"; a date
 *                               without a time of day is 18:00 Asia/Shanghai; absent when
 *                               the due text is not a time, e.g. "下周五")
 *   merge_policy        string  "replace" (default: a newer version of the same record),
 *                               "enrich" (Zoom events, Asterisk legs, Tencent record parts:
 *                               fold with chn_merge), "version" (Teams: keep the highest)
 *   source_version      integer Teams callRecord version
 *   extra               object  anything else worth keeping (location, link, url, form
 *                               fields, platform ids)
 *
 * ERRORS: chn_normalize returns NULL and fills *err.  sqlstate is one of
 *   "22023" invalid_parameter_value (missing field, unknown channel/shape, bad enum)
 *   "22P02" invalid_text_representation (wrong JSON type, unparsable number)
 *   "22007" invalid_datetime_format (missing or unparsable time)
 *   "22001" string_data_right_truncation / oversize (payload or attachment > limit)
 *   "22003" numeric_value_out_of_range (a duration over 2147483647 seconds)
 * field names the JSON path of the bad field ("msgtime", "variables.start_epoch",
 * "attachments[2].size"); message is a full English sentence naming it; hint says
 * what would be accepted.
 */
#ifndef COMMHUB_CHANNELS_H
#define COMMHUB_CHANNELS_H
#include <jansson.h>
#include <stdbool.h>

#define CHN_MAX_ATTACHMENT_BYTES (50LL * 1024 * 1024)

typedef struct chn_error
{
	char		sqlstate[6];
	char		field[128];
	char		message[512];
	char		hint[256];
} chn_error;

/* channel: phone mobile wechat email meeting visit video form webchat.
 * Returns a new reference or NULL with *err set.  Never crashes on any
 * JSON value (fuzzed). */
json_t	   *chn_normalize(const char *channel, json_t *payload, chn_error *err);

/* Fold a newer normalized record b into a (same source_system and
 * source_record_id) according to merge_policy; returns a new reference.
 * replace: b wins.  version: the higher source_version wins whole.
 * enrich: earliest communication_time, max duration, non-null fields of b
 * fill or extend a (content appended when it is new text, attachments and
 * participants unioned, missed only if every leg was missed). */
json_t	   *chn_merge(const json_t *a, const json_t *b);

/* true if channel is one of the nine known channels. */
bool		chn_known_channel(const char *channel);

#endif
