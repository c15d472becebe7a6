#!/usr/bin/env python3
"""fake_llm.py -- an OpenAI-compatible chat-completion server (and a WeCom
group-robot webhook) on 127.0.0.1, for unit tests, e2e tests and benchmarks.
python3 standard library only.

    python3 test/fake_llm/fake_llm.py [PORT]   (0 or absent: pick a free port)

The first line on stdout is the port, flushed at once; then it serves until
killed.  One daemon thread per connection (ThreadingHTTPServer, HTTP/1.1
keep-alive, listen backlog 1024), so 100+ concurrent clients are fine.

ENDPOINTS
  POST /v1/chat/completions, /chat/completions (any prefix ending so)
      Answers the agent shape the prompt asks for: A10 by default (intent,
      key_info, sentiment, urgency, ... derived from the text after "内容:"
      or the whole user prompt, so answers differ), A11..A16 when the prompt
      carries the seed's role phrase (客户洞察, 商机挖掘, 营销策略, 风险预警,
      报告生成 -> Markdown, 总协调) or a [[agent:A12]] marker.  Every answer
      has "usage" (about 1 token per 4 bytes).
  POST /control   {"mode": M, "latency_ms": N, "fail_first_n": N,
                   "retry_after_s": N | null, "require_key": "sk-..." | null,
                   "reset": true}
      Sets the defaults for requests without markers; reset clears counters,
      webhooks and flaky state.  Returns the current control state.
  GET  /stats     {"requests", "by_mode", "by_agent", "paths", "auth"
                   (sha256(Authorization header) hex -> count; "none" for
                   requests without one), "inflight", "max_inflight",
                   "webhooks" (name -> count)}
  POST /stats/auth   body = a candidate Authorization header value, e.g.
      "Bearer sk-test"; returns {"count": N} requests that carried exactly it
      (lets a C test check the key without hashing).
  POST /webhook/<name>   WeCom robot message {"msgtype": "markdown",
      "markdown": {"content": "..."}} (or text); records it and answers
      {"errcode":0,"errmsg":"ok"}.  Bad message: errcode 40008.  Names
      starting with "fail": errcode 93000; with "busy": errcode -1; with
      "limited": while the /control mode is 429 or 503, that HTTP status
      with Retry-After (retry_after_s, default 1; 503 default 2), nothing
      recorded.
  GET  /webhook/<name>   {"name", "count", "messages": [bodies, oldest first],
      "keys": [the Idempotency-Key header of each, or null],
      "hits": POSTs to it, refused ones included}

PER-REQUEST MARKERS in the user (or system) prompt, overriding /control:
  [[mode:M]]  M is one of
     ok          valid answer (default)
     500 | 503   server error (503 adds Retry-After: 2)
     429         Retry-After: 1          429date: Retry-After as HTTP-date +3 s
     400         client error            401echo: 401 echoing the key (scrub test)
     malformed   HTTP 200, body is not JSON
     nonjson     content is prose, not JSON
     prose       JSON object wrapped in prose
     fenced      content wrapped in ```json fences
     think       content after a <think>...</think> block that restates
                 the JSON example (a reasoning model without a reasoning
                 parser)
     wrongshape  A10 with sentiment.score 7
     nocontent   "choices": []
     truncated   half an answer, finish_reason "length"
     hang        never answers (until the client gives up; at most 300 s)
     drop        closes the connection without a response
     big         content padded to [[big:N]] bytes (default 1 MiB)
     flaky       500 for the first fail_first_n requests ([[fail_first:N]],
                 default 2) of each job key ([[job:KEY]], else the prompt's
                 hash), then ok
  [[latency:MS]]  sleep before answering   [[agent:A1x]]  force the shape
  [[retry_after:S]]  the Retry-After seconds of modes 429 and 503 (also
                 "retry_after_s" in /control)
Counts are by the effective mode.
"""
import hashlib
import json
import re
import select
import socket
import sys
import threading
import time
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

MAX_BODY = 16 * 1024 * 1024
MAX_WEBHOOK_NAMES = 100
MAX_WEBHOOK_MESSAGES = 1000
MAX_FLAKY_KEYS = 100000
MARKER = re.compile(r"\[\[(\w+)(?::([^\]]{0,200}))?\]\]")


class State:
    def __init__(self):
        self.lock = threading.Lock()
        self.reset_all()

    def reset_all(self):
        self.control = {"mode": "ok", "latency_ms": 0, "fail_first_n": 2,
                        "retry_after_s": None, "require_key": None}
        self.reset_counters()

    def reset_counters(self):
        self.requests = 0
        self.by_mode = {}
        self.by_agent = {}
        self.paths = {}
        self.auth = {}
        self.inflight = 0
        self.max_inflight = 0
        self.flaky = {}
        self.webhooks = {}
        self.webhook_keys = {}
        self.webhook_hits = {}


STATE = State()


def bump(d, k):
    d[k] = d.get(k, 0) + 1


def sha(s):
    return hashlib.sha256(s.encode("utf-8", "surrogateescape")).hexdigest()


# ---------------------------------------------------------------- answers

INTENTS = [
    ("complaint", ["投诉", "不满", "质量问题", "complain", "defect", "退货"]),
    ("after_sales", ["售后", "维修", "after-sales", "warranty"]),
    ("payment", ["付款", "货款", "账期", "发票", "payment", "invoice"]),
    ("delivery", ["交货", "发货", "物流", "到货", "delivery", "shipping"]),
    ("order", ["下单", "订单", "采购合同", "order", "purchase order"]),
    ("technical", ["技术", "参数", "测试报告", "technical", "spec"]),
    ("cooperation", ["合作", "战略", "cooperation", "partnership"]),
    ("inquiry", ["询价", "报价", "价格", "多少钱", "price", "quote", "inquiry"]),
]
NEGATIVE = ["投诉", "不满", "失望", "太贵", "问题", "延迟", "angry", "disappointed", "bad"]
POSITIVE = ["满意", "感谢", "很好", "合作愉快", "期待", "thanks", "great", "good"]
URGENT = ["紧急", "尽快", "马上", "立即", "急", "urgent", "asap", "today"]
COMPETITORS = ["金发科技", "普利特", "银禧科技", "competitor"]
PRODUCT_RE = re.compile(r"(?<![A-Za-z0-9])[A-Z]{2,}(?:-[A-Z0-9]+)+(?![A-Za-z0-9])")
PRICE_RE = re.compile(r"[¥￥$]\s?[\d,]+(?:\.\d+)?(?:/[吨件kg个]+)?|[\d.]+万?元(?:/[吨件kg个]+)?")
QTY_RE = re.compile(r"\d+(?:\.\d+)?\s?(?:吨|件|套|台|kg|公斤|t\b)(?:/月)?")
TIME_RE = re.compile(r"(?:\d{1,2}月(?:上旬|中旬|下旬|底|初|\d{1,2}日)?|下周[一二三四五六日]?|月底|明天|本周)[^，。,.；;\n]{0,8}")


def record_text(prompt):
    m = re.search(r"内容[:：]\s*(.*?)(?:\n##|\Z)", prompt, re.S)
    text = m.group(1) if m else prompt
    return MARKER.sub("", text).strip()


def customer_of(prompt):
    m = re.search(r"客户(?:名称)?[:：]\s*([^\n]+)", prompt)
    return m.group(1).strip()[:60] if m else "示例客户"


def a10_answer(prompt):
    text = record_text(prompt)
    low = text.lower()
    category, conf = "other", 0.5
    for cat, words in INTENTS:
        hits = sum(1 for w in words if w.lower() in low)
        if hits:
            category, conf = cat, min(0.99, 0.7 + 0.1 * hits)
            break
    neg = sum(1 for w in NEGATIVE if w.lower() in low)
    pos = sum(1 for w in POSITIVE if w.lower() in low)
    if neg > pos:
        overall, score, mood = "negative", round(max(0.05, 0.35 - 0.1 * neg), 2), "客户有不满情绪"
    elif pos > neg:
        overall, score, mood = "positive", round(min(0.95, 0.65 + 0.1 * pos), 2), "客户态度积极"
    else:
        overall, score, mood = "neutral", 0.5, "客户态度平稳"
    urgent = [w for w in URGENT if w.lower() in low]
    level = "high" if urgent or category == "complaint" else ("medium" if category in ("inquiry", "order", "delivery") else "low")
    reason = ("客户提到“%s”" % urgent[0]) if urgent else ("投诉需及时处理" if category == "complaint" else "常规跟进")
    products = sorted(set(PRODUCT_RE.findall(text)))[:10]
    price = PRICE_RE.search(text)
    qty = QTY_RE.search(text)
    when = TIME_RE.search(text)
    competitors = [c for c in COMPETITORS if c.lower() in low]
    detail = (text[:40] or "空内容").replace("\n", " ")
    follow = ["回复客户关于%s的问题" % (products[0] if products else "本次沟通")]
    if category == "inquiry":
        follow.append("准备报价单")
    if when:
        follow.append("确认时间节点：%s" % when.group(0))
    quality = max(1, min(10, 3 + len(text) // 40 + len(products)))
    return {
        "intent": {"category": category, "detail": detail, "confidence": round(conf, 2)},
        "key_info": {
            "products": products,
            "price": price.group(0) if price else None,
            "quantity": qty.group(0) if qty else None,
            "timeline": when.group(0) if when else None,
            "competitors": competitors,
        },
        "sentiment": {"overall": overall, "score": score, "mood": mood},
        "urgency": {"level": level, "reason": reason},
        "follow_up": follow,
        "quality_score": quality,
        "suggestions": ["建议24小时内回复" if level == "high" else "按常规节奏跟进"],
        "fake_digest": sha(text)[:12],
    }


def a11_answer(prompt):
    h = int(sha(prompt)[:4], 16)
    score = 50 + h % 50
    return {
        "relationship_health": {"score": score, "trend": ["upward", "stable", "downward"][h % 3],
                                "assessment": "%s 关系%s" % (customer_of(prompt), "良好" if score > 70 else "一般")},
        "communication_pattern": {"preferred_channel": "企业微信", "preferred_time": "工作日下午",
                                  "frequency": "每周2-3次", "response_speed": "平均2小时回复"},
        "decision_making": {"style": "理性决策", "key_factors": ["价格", "质量", "交期"],
                            "decision_maker": "采购部张经理", "decision_cycle": "2-3周"},
        "satisfaction": {"current": 4.2, "trend": "stable", "strengths": ["产品质量"], "pain_points": ["价格波动"]},
        "loyalty": {"score": 78, "risk_level": "low", "retention_probability": 0.92},
        "lifecycle_stage": "成长客户",
        "key_contacts": [{"name": "张经理", "role": "采购决策", "influence": 0.9, "relationship": "良好"}],
        "needs_map": {"current": ["稳定供应"], "future": ["新材料"], "latent": ["供应链金融"]},
        "risks": [{"type": "价格敏感", "level": "medium", "mitigation": "提供长期价格锁定方案"}],
        "opportunities": [{"type": "新品推广", "potential": "high", "action": "推荐PCR-PC系列"}],
    }


def a12_answer(prompt):
    products = sorted(set(PRODUCT_RE.findall(prompt)))[:3] or ["PCR-ABS-1000"]
    return {
        "opportunities": [{
            "id": "OPP-%s" % sha(prompt)[:6], "type": "explicit",
            "description": "%s 需求" % products[0], "product": products[0], "quantity": "50吨/月",
            "estimated_value": 750000, "probability": 0.65, "expected_close_date": "2024-08-15",
            "stage": "需求确认", "competitors": [], "winning_factors": ["价格优势"],
            "risk_factors": ["账期要求"], "recommended_actions": ["提供试样"], "urgency": "high"}],
        "cross_sell_opportunities": [{"product": "PCR-PC-3000", "reason": "新产品开发", "potential_value": 500000, "approach": "技术推荐"}],
        "up_sell_opportunities": [{"current": products[0], "upgrade": "PCR-ABS-2000", "reason": "性能提升", "potential_value": 200000}],
    }


def a13_answer(prompt):
    return {
        "customer_segment": "VIP成长型客户",
        "marketing_strategy": {"approach": "价值深化", "key_messages": ["稳定供应保障"], "value_proposition": "材料技术合作伙伴"},
        "content_suggestions": [{"type": "技术白皮书", "topic": "应用案例", "timing": "立即发送", "channel": "企业微信+邮件"}],
        "timing_recommendations": {"best_contact_days": ["周二", "周三"], "best_contact_hours": ["10:00-11:30"], "avoid_times": ["周一上午"]},
        "channel_strategy": {"primary": "企业微信", "secondary": "电话", "tertiary": "邮件", "reason": "客户偏好即时沟通"},
        "campaign_ideas": [{"name": "稳定供应保障计划", "target": "消除供应担忧", "offer": "提前锁定产能", "expected_response": 0.8}],
        "care_strategy": {"birthday_greeting": True, "holiday_gifts": "端午节礼盒", "quarterly_business_review": True, "industry_insights_sharing": "每月行业报告"},
        "retention_plan": {"risk_signals": ["价格抱怨增加"], "retention_actions": ["高管拜访"]},
    }


def a14_answer(prompt):
    h = int(sha(prompt)[:4], 16)
    score = 30 + h % 70
    return {
        "risk_alerts": [{
            "alert_id": "RISK-%s" % sha(prompt)[:6], "customer_id": "C001", "customer_name": customer_of(prompt),
            "risk_type": "churn_risk", "risk_level": "high" if score >= 70 else ("medium" if score >= 40 else "low"),
            "risk_score": score, "indicators": ["沟通频率下降"], "triggered_at": "2024-06-15",
            "expected_impact": "月订单损失", "recommended_actions": ["销售总监拜访"],
            "escalation_required": score >= 70, "escalation_to": "sales_director"}],
        "early_warning_signals": {
            "communication_decline": {"detected": True, "metric": "30天沟通次数", "current": 2, "baseline": 8, "trend": "declining"},
            "price_sensitivity": {"detected": False, "evidence": "", "severity": "low"}},
    }


def a15_answer(prompt):
    return ("# %s 客户分析报告\n\n## 客户洞察\n关系稳定。\n\n## 商机\n- PCR-ABS-1000 月需求50吨\n\n"
            "## 风险\n- 价格敏感\n\n## 行动清单\n- [ ] 24小时内回复样品安排\n" % customer_of(prompt))


def a16_answer(prompt):
    return {
        "analysis_summary": {"total_records": 150, "channels": {"wechat": 80, "phone": 40, "email": 20, "visit": 10},
                             "analysis_date": "2024-06-15"},
        "customer_insights": a11_answer(prompt),
        "opportunities": a12_answer(prompt),
        "marketing_suggestions": a13_answer(prompt),
        "risk_alerts": a14_answer(prompt),
        "reports": {"customer": a15_answer(prompt)},
        "action_plan": {"immediate": ["回复样品安排"], "short_term": ["安排工厂参观"], "long_term": ["签订年度框架协议"]},
    }


AGENTS = {"A10": a10_answer, "A11": a11_answer, "A12": a12_answer, "A13": a13_answer,
          "A14": a14_answer, "A15": a15_answer, "A16": a16_answer}
ROLE_PHRASES = [("A16", "总协调"), ("A11", "客户洞察专家"), ("A12", "商机挖掘专家"),
                ("A13", "营销策略专家"), ("A14", "风险预警专家"), ("A15", "报告生成专家")]


def pick_agent(prompt, marks):
    a = marks.get("agent", "").upper()
    if a in AGENTS:
        return a
    for agent, phrase in ROLE_PHRASES:
        if phrase in prompt:
            return agent
    return "A10"


# ---------------------------------------------------------------- server

class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    # Headers and body go out in two writes; with Nagle on, the body waits
    # for the client's delayed ACK of the headers (~40 ms a response).  Real
    # servers (uvicorn, nginx) set TCP_NODELAY; so do we.
    disable_nagle_algorithm = True
    server_version = "fake_llm/1.0"
    verbose = False

    def log_message(self, fmt, *args):
        if self.verbose:
            sys.stderr.write("fake_llm: " + (fmt % args) + "\n")

    # -- helpers
    def send_json(self, status, obj, headers=None):
        self.send_raw(status, json.dumps(obj, ensure_ascii=False).encode("utf-8"), headers)

    def send_raw(self, status, data, headers=None, ctype="application/json"):
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(data)))
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(data)

    def read_body(self):
        try:
            n = int(self.headers.get("Content-Length") or 0)
        except ValueError:
            n = -1
        if n < 0 or n > MAX_BODY:
            self.close_connection = True
            self.send_json(413, {"error": {"message": "body too large"}})
            return None
        return self.rfile.read(n) if n else b""

    def path_only(self):
        return self.path.split("?", 1)[0]

    # -- GET
    def do_GET(self):
        p = self.path_only()
        if p == "/stats":
            with STATE.lock:
                self.send_json(200, {
                    "requests": STATE.requests, "by_mode": STATE.by_mode,
                    "by_agent": STATE.by_agent, "paths": STATE.paths, "auth": STATE.auth,
                    "inflight": STATE.inflight, "max_inflight": STATE.max_inflight,
                    "webhooks": {k: len(v) for k, v in STATE.webhooks.items()},
                    "control": STATE.control})
        elif p.startswith("/webhook/"):
            name = p[len("/webhook/"):]
            with STATE.lock:
                msgs = list(STATE.webhooks.get(name, []))
                keys = list(STATE.webhook_keys.get(name, []))
                hits = STATE.webhook_hits.get(name, 0)
            self.send_json(200, {"name": name, "count": len(msgs), "messages": msgs, "keys": keys, "hits": hits})
        elif p == "/health":
            self.send_json(200, {"ok": True})
        else:
            self.send_json(404, {"error": {"message": "not found"}})

    # -- POST
    def do_POST(self):
        p = self.path_only()
        body = self.read_body()
        if body is None:
            return
        if p.endswith("/chat/completions"):
            with STATE.lock:
                STATE.inflight += 1
                STATE.max_inflight = max(STATE.max_inflight, STATE.inflight)
            try:
                self.chat(p, body)
            finally:
                with STATE.lock:
                    STATE.inflight -= 1
        elif p == "/control":
            self.control(body)
        elif p == "/stats/auth":
            want = sha(body.decode("utf-8", "replace").strip())
            with STATE.lock:
                self.send_json(200, {"count": STATE.auth.get(want, 0)})
        elif p.startswith("/webhook/"):
            self.webhook(p[len("/webhook/"):], body)
        else:
            self.send_json(404, {"error": {"message": "not found"}})

    def control(self, body):
        try:
            req = json.loads(body or b"{}")
            if not isinstance(req, dict):
                raise ValueError("not an object")
        except ValueError as e:
            self.send_json(400, {"error": {"message": "bad control JSON: %s" % e}})
            return
        with STATE.lock:
            if req.get("reset"):
                STATE.reset_all()
            for k in ("mode", "latency_ms", "fail_first_n", "retry_after_s", "require_key"):
                if k in req:
                    STATE.control[k] = req[k]
            self.send_json(200, {"control": STATE.control})

    def webhook(self, name, body):
        try:
            msg = json.loads(body)
        except ValueError:
            msg = None
        with STATE.lock:
            if name in STATE.webhook_hits or len(STATE.webhook_hits) < MAX_WEBHOOK_NAMES:
                STATE.webhook_hits[name] = STATE.webhook_hits.get(name, 0) + 1
            mode = STATE.control.get("mode")
            retry_after = STATE.control.get("retry_after_s")
        if name.startswith("limited") and mode in ("429", "503"):
            ra = str(retry_after) if retry_after not in (None, "") else ("1" if mode == "429" else "2")
            self.send_json(int(mode), {"errcode": 45009 if mode == "429" else -1, "errmsg": "limited (fake)"},
                           {"Retry-After": ra})
            return
        if name.startswith("fail"):
            resp = {"errcode": 93000, "errmsg": "invalid webhook url, hint: [fake]"}
        elif name.startswith("busy"):
            resp = {"errcode": -1, "errmsg": "system busy"}
        elif (not isinstance(msg, dict) or msg.get("msgtype") not in ("markdown", "text")
              or not isinstance(msg.get(msg.get("msgtype"), {}).get("content"), str)):
            resp = {"errcode": 40008, "errmsg": "invalid message type"}
        else:
            resp = {"errcode": 0, "errmsg": "ok"}
            with STATE.lock:
                if name in STATE.webhooks or len(STATE.webhooks) < MAX_WEBHOOK_NAMES:
                    lst = STATE.webhooks.setdefault(name, [])
                    lst.append(msg)
                    del lst[:-MAX_WEBHOOK_MESSAGES]
                    keys = STATE.webhook_keys.setdefault(name, [])
                    keys.append(self.headers.get("Idempotency-Key"))
                    del keys[:-MAX_WEBHOOK_MESSAGES]
        self.send_json(200, resp)

    def chat(self, path, body):
        auth = self.headers.get("Authorization")
        try:
            req = json.loads(body)
            msgs = req["messages"]
            model = req["model"]
            if not isinstance(msgs, list) or not isinstance(model, str):
                raise ValueError("messages must be a list, model a string")
            system = "".join(m.get("content", "") for m in msgs if m.get("role") == "system")
            user = "".join(m.get("content", "") for m in msgs if m.get("role") == "user")
        except (ValueError, KeyError, TypeError, AttributeError) as e:
            self.send_json(400, {"error": {"message": "bad request: %s" % e, "type": "invalid_request_error"}})
            return
        prompt = system + "\n" + user
        marks = {m.group(1): (m.group(2) or "") for m in MARKER.finditer(prompt)}
        with STATE.lock:
            ctl = dict(STATE.control)
        mode = marks.get("mode", ctl.get("mode") or "ok")
        try:
            latency = int(marks.get("latency", ctl.get("latency_ms") or 0))
            fail_n = int(marks.get("fail_first", ctl.get("fail_first_n") or 0))
        except ValueError:
            latency, fail_n = 0, 0
        retry_after = marks.get("retry_after", ctl.get("retry_after_s"))
        retry_after = str(retry_after) if retry_after not in (None, "") else None
        agent = pick_agent(prompt, marks)
        if mode == "flaky":
            key = marks.get("job") or sha(prompt)
            with STATE.lock:
                n = STATE.flaky.get(key, 0) + 1
                if len(STATE.flaky) < MAX_FLAKY_KEYS or key in STATE.flaky:
                    STATE.flaky[key] = n
            mode = "flaky_fail" if n <= fail_n else "flaky_ok"
        with STATE.lock:
            STATE.requests += 1
            bump(STATE.by_mode, mode)
            bump(STATE.by_agent, agent)
            bump(STATE.paths, path)
            bump(STATE.auth, sha(auth) if auth is not None else "none")
        if latency > 0:
            time.sleep(min(latency, 600000) / 1000.0)

        if ctl.get("require_key") and auth != "Bearer " + str(ctl["require_key"]):
            self.send_json(401, {"error": {"message": "Incorrect API key provided", "type": "invalid_request_error"}})
            return
        if mode in ("500", "flaky_fail"):
            self.send_json(500, {"error": {"message": "internal server error (fake)", "type": "server_error"}})
            return
        if mode == "503":
            self.send_json(503, {"error": {"message": "overloaded (fake)"}}, {"Retry-After": retry_after or "2"})
            return
        if mode == "429":
            self.send_json(429, {"error": {"message": "rate limit reached (fake)", "type": "rate_limit"}},
                           {"Retry-After": retry_after or "1"})
            return
        if mode == "429date":
            self.send_json(429, {"error": {"message": "rate limit reached (fake)"}},
                           {"Retry-After": formatdate(time.time() + 3, usegmt=True)})
            return
        if mode == "400":
            self.send_json(400, {"error": {"message": "model not found (fake)", "type": "invalid_request_error"}})
            return
        if mode == "401echo":
            self.send_json(401, {"error": {"message": "Incorrect API key provided: %s" % auth}})
            return
        if mode == "hang":
            self.close_connection = True
            deadline = time.time() + 300
            while time.time() < deadline:
                r, _, _ = select.select([self.connection], [], [], 1.0)
                if r:
                    try:
                        if not self.connection.recv(1, socket.MSG_DONTWAIT):
                            return      # client closed
                    except BlockingIOError:
                        pass
                    except OSError:
                        return
                    time.sleep(0.05)
            return
        if mode == "drop":
            self.close_connection = True
            return
        if mode == "malformed":
            self.send_raw(200, b'{"id": "x", "choices": [{"message": {"content": "{\\"intent')
            return

        answer = AGENTS[agent](prompt)
        finish = "stop"
        if mode == "wrongshape":
            answer = a10_answer(prompt)
            answer["sentiment"]["score"] = 7
        if isinstance(answer, str):
            content = answer
        else:
            content = json.dumps(answer, ensure_ascii=False)
        if mode == "nonjson":
            content = "抱歉，我无法以JSON格式回答这个问题。"
        elif mode == "fenced":
            content = "```json\n" + json.dumps(answer, ensure_ascii=False, indent=2) + "\n```"
        elif mode == "think":
            content = ("<think>\n用户要求只输出JSON, 格式如 {\"intent\": {\"category\": \"inquiry\"}}。"
                       "先判断意图, 再写 ```json 代码块? 不, 直接输出对象。\n</think>\n\n" + content)
        elif mode == "prose":
            content = "以下是分析结果：\n" + content + "\n希望对您有帮助。"
        elif mode == "truncated":
            content = content[: len(content) // 2]
            finish = "length"
        elif mode == "big":
            try:
                size = int(marks.get("big") or 1 << 20)
            except ValueError:
                size = 1 << 20
            size = max(0, min(size, 64 << 20))
            if isinstance(answer, dict):
                answer["padding"] = "x" * size
                content = json.dumps(answer, ensure_ascii=False)
            else:
                content += "x" * size
        choices = [] if mode == "nocontent" else [
            {"index": 0, "message": {"role": "assistant", "content": content}, "finish_reason": finish}]
        ptok = len(prompt.encode("utf-8")) // 4 + 1
        ctok = len(content.encode("utf-8")) // 4 + 1
        self.send_json(200, {
            "id": "chatcmpl-fake-%s" % sha(prompt + str(time.time()))[:10],
            "object": "chat.completion", "created": int(time.time()), "model": model,
            "choices": choices,
            "usage": {"prompt_tokens": ptok, "completion_tokens": ctok, "total_tokens": ptok + ctok},
        })


class Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 1024

    def handle_error(self, request, client_address):
        # clients that time out or abort (the tests do it on purpose) reset
        # connections: not worth a traceback
        if isinstance(sys.exc_info()[1], (ConnectionError, TimeoutError)):
            return
        super().handle_error(request, client_address)


def main():
    port = int(sys.argv[1]) if len(sys.argv) > 1 else 0
    Handler.verbose = "-v" in sys.argv[2:]
    srv = Server(("127.0.0.1", port), Handler)
    print(srv.server_address[1], flush=True)
    try:
        srv.serve_forever(poll_interval=0.2)
    except KeyboardInterrupt:
        pass
    finally:
        srv.server_close()


if __name__ == "__main__":
    main()
