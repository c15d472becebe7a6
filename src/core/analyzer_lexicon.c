/*
 * analyzer_lexicon.c -- the built-in cue tables of the embedded analyzer,
 * the compiled-in default catalogue, and the lexicon life cycle.
 *
 * Every table row is "surface|surface|..." plus one feature (kind, arg,
 * weight x10).  A surface listed in several rows carries all their
 * features (投诉 is a complaint vote, a negative sentiment word and a
 * follow-up trigger); the automaton merges them.  Overlapping hits are
 * resolved longest-first in analyzer.c, so a longer neutral word
 * ("不过", "未来", "会通知") shadows the short cue inside it ("不", "未",
 * competitor "会通"): that is what the AZK_BLOCK rows are for.  A
 * trailing '*' on an ASCII surface lets it match a word prefix
 * ("deliver*" matches delivery/delivered).
 *
 * Weights were chosen by hand from what the words mean in B2B plastics
 * sales (a subject cue such as 询价 or 投诉 outweighs a context word such
 * as 价格 or 问题), following the labeling guide of test/corpus/README.md
 * (returns are after-sales, haggling is an inquiry, a claim or a threat
 * to switch suppliers makes a complaint serious), then checked on the
 * development corpus test/corpus/dev_corpus.jsonl; the cue families at
 * the end of the table were added from the hand-labeled dev2/dev3
 * corpora (general phrasings, not sentences).  Traditional Chinese
 * needs no rows of its own: folding maps it to Simplified first.
 *
 * The default catalogue below is test/corpus/catalogue.json compiled in
 * (canonical names, categories and aliases identical); the SQL tables
 * are seeded from the same file, and test_analyzer.c checks that every
 * alias of that file resolves to its canonical name here.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analyzer_internal.h"

typedef struct cue_row
{
	const char *words;			/* '|' separated */
	uint16_t	kind;
	int32_t		arg;
	int16_t		w;
} cue_row;

#define I(words, cat, w)	{words, AZK_INTENT, cat, w}
#define S(words, w)			{words, AZK_SENT, 0, w}
#define U(words, lvl, w)	{words, AZK_URG, lvl, w}
#define D(words, code, w)	{words, AZK_DATE, code, w}
#define F(words, code)		{words, AZK_FOLLOW, code, 10}
#define K(words, kind, w)	{words, kind, 0, w}

static const cue_row builtin[] = {
	/* ---- intent: inquiry ---- */
	I("询价|询盘|报价|报个价|报一下价|报下价|价格多少|多少钱|什么价|啥价|价位|报价单|求报价|"
	  "价格表|问价|了解价格|最新价格|价格怎么|怎么卖|批量价|阶梯价|含税价|出厂价|到厂价|"
	  "拿货价|优惠价|最低价|能给到多少", AZI_INQUIRY, 30),
	I("单价", AZI_INQUIRY, 15),	/* also a term in POs and invoices */
	I("quote|quotes|quotation*|quoting|price|prices|pricing|how much|price list|rfq|"
	  "inquiry|enquiry|inquire|enquire", AZI_INQUIRY, 30),
	I("价格|价钱|了解一下|咨询|想了解|有没有货|现货|库存|规格|起订量|最小起订量|供货能力|"
	  "产能|样品|试样|打样|送样|寄样|样料|小样|寄一些|意向|感兴趣|考虑采购|计划采购|"
	  "准备采购|打算采购|想采购|需要采购|采购需求", AZI_INQUIRY, 15),
	I("sample|samples|interested|availability|in stock|moq|minimum order|lead time and price",
	  AZI_INQUIRY, 15),
	I("需求|月需求|月用量|年需求|年用量|用量|采购量|想要|需要", AZI_INQUIRY, 8),
	I("行情|市场价|价格走势|涨了|跌了|产品目录|目录", AZI_INQUIRY, 20),

	/* ---- intent: complaint ---- */
	I("投诉|不满|不满意|质量问题|差评|索赔|客诉|质量投诉|无法接受|不能接受|"
	  "不可接受|太差|很差|质量差|不合格|批次问题|质量异常|来料异常|给个说法|给个交代|"
	  "给我们一个说法|要求赔偿|赔偿|投诉升级|严重不满|非常失望|很失望|失望|"
	  "不地道|不厚道|太过分|过分|不合理|说不过去|达不到|不达标|骗人|虚假宣传|忽悠|"
	  "名不副实|不回消息|不回复|没人回|没人理|没回复|不理人|不高兴|难以接受|"
	  "太离谱|离谱|忍无可忍|受不了", AZI_COMPLAINT, 40),
	I("complaint|complain*|unacceptable|disappointed|disappointing|defective|refund|"
	  "quality issue*|quality problem*|not acceptable|furious|angry", AZI_COMPLAINT, 40),
	I("延误|拖延|迟迟|一直没|还没到|还没收到|没收到|催了|又延期|一再|屡次|多次|"
	  "缺陷|开裂|裂纹|变形|发黄|色差|黑点|气泡|异味|断裂|发脆|脆性|飞边|流痕|毛刺|杂质|"
	  "混料|短装|少发|错发|发错|破损|损坏|受潮|结块|生气|愤怒|抱怨|退款|不良|不良率|"
	  "报废|返工|停线|断料|影响生产|影响交付|损失|未收到|还未", AZI_COMPLAINT, 20),
	I("耽误|晚到|晚了|又错|错了|第二次了|第三次了|又出现|再次出现|不一样|不一致|"
	  "不符|不符合|偏小|偏大|比约定|说好的|答应的|希望以后|下次注意|下不为例|以后注意",
	  AZI_COMPLAINT, 15),
	S("延期|推迟|耽误|晚到|晚了|又错|第二次了|第三次了|又出现|再次出现|不一样|不一致|"
	  "不符|不符合|偏小|偏大|比约定|流痕|飞边|毛刺|缩水|翘曲|不良率|ran out|run out|"
	  "running out|out of stock|line down|line is down|suspend*", -10),
	I("defect|defects|crack*|delayed|delay|late again|damaged|broken|wrong|claim|"
	  "rejected|reject|return the|losses", AZI_COMPLAINT, 20),

	/* ---- intent: technical ---- */
	I("技术参数|物性表|物性参数|物性|熔指|熔融指数|msds|tds|注塑工艺|技术支持|参数表|"
	  "拉伸强度|弯曲模量|弯曲强度|冲击强度|缺口冲击|热变形温度|维卡|阻燃等级|ul94|"
	  "ul认证|rohs|reach|检测报告|测试报告|耐化学|收缩率|干燥温度|烘料|模温|"
	  "料温|加工温度|工艺参数|配方|材料选型|选材|技术资料|规格书|技术问题|技术交流|"
	  "技术对接|玻纤含量|流动性|熔体流动|耐刮擦|耐低温|无卤|"
	  "灼热丝|cti|相比漏电|介电|硬度|韧性|光泽度|技术指标|认证报告", AZI_TECHNICAL, 30),
	I("datasheet|data sheet|technical|spec|specs|specification*|melt flow|mfi|mfr|"
	  "tensile|impact strength|flexural|processing temperature|molding|moulding|"
	  "drying|shrinkage|flame retardant|heat resistance|hdt", AZI_TECHNICAL, 30),
	I("吸水|吸湿|尺寸稳定|尺寸变化|改善方案|耐高温|耐温|工程塑料|材料推荐|推荐材料|配色|"
	  "色板|调色|色号|颜色|测试结果|试产|能否用于|能不能用于|可以用于|适用于|用于",
	  AZI_TECHNICAL, 20),
	I("资料", AZI_TECHNICAL, 12),
	I("认证|食品级|食品接触|fda|lfgb", AZI_TECHNICAL, 12),
	I("技术|性能|指标|注塑|成型|工艺|密度|参数|替代|测试|试模|打样测试|验证|工程师",
	  AZI_TECHNICAL, 12),
	I("performance|test|testing|trial|properties|property|engineer*", AZI_TECHNICAL, 12),

	/* ---- intent: cooperation ---- */
	I("合作|代理|战略合作|长期合作|框架协议|合作伙伴|独家|经销|分销|供应商资格|"
	  "供应商准入|合格供应商|年度协议|长期供货|共同开发|联合开发|合作模式|合作意向|"
	  "战略|审厂|验厂|合作洽谈|建立合作|深度合作|加盟|区域代理|年度框架|"
	  "战略伙伴|供应链合作|入围|供应商名录", AZI_COOPERATION, 30),
	I("partnership|partner|cooperation|cooperate|collaborat*|distributor*|agent|agency|"
	  "long-term|long term|strategic|framework agreement|exclusive|audit|"
	  "supplier qualification|approved supplier|supply agreement|annual agreement|"
	  "annual supply", AZI_COOPERATION, 30),
	I("工厂参观|洽谈|会谈|介绍公司|公司介绍|资质|供货协议|供应协议|年度供货", AZI_COOPERATION, 15),
	I("参观|考察|拜访|来厂|到访", AZI_COOPERATION, 8),
	I("visit|factory tour|meeting to discuss|introduce our company", AZI_COOPERATION, 15),

	/* ---- intent: order ---- */
	I("下单|采购合同|确认订购|订购|订货|追加订单|追加|加单|补单|返单|正式订单|采购订单|"
	  "签合同|确认订单|下订单|采购单|先订|订一批|再订|下个单|订单确认|确认下单|"
	  "合同已签|盖章|回传合同|合同签|签好|po号|采购意向书", AZI_ORDER, 35),
	I("purchase order|place an order|placing an order|place the order|confirm the order|"
	  "order confirmation|po number|we will order|re-order|reorder", AZI_ORDER, 35),
	I("订单|合同|po|排产|生产安排|安排生产", AZI_ORDER, 20),
	I("再来|再要|老规矩|按上次|照旧|来一车|再拉|正式批量|批量生产|量产|批量订单", AZI_ORDER, 25),
	I("减到|加到|增加到|减少到", AZI_ORDER, 15),
	I("order|orders|ordered|contract", AZI_ORDER, 20),

	/* ---- intent: payment ---- */
	I("付款|账期|发票|回款|汇款|打款|转账|货款|结算|对账|预付款|预付|尾款|定金|首款|"
	  "开票|增值税发票|专票|普票|承兑|汇票|银行承兑|信用证|月结|现结|款项|欠款|逾期|"
	  "催款|付清|到账|收款|水单|对账单|付款方式|付款条件|付款周期|延期付款|放款|"
	  "票据|电汇|先款后货|货到付款", AZI_PAYMENT, 30),
	I("财务", AZI_PAYMENT, 15),
	I("payment*|invoice*|remittance|wire transfer|t/t|l/c|letter of credit|overdue|"
	  "paid|pay|deposit|balance due|credit terms|net 30|net 60|billing", AZI_PAYMENT, 30),

	/* ---- intent: delivery ---- */
	I("交货|发货|物流|到货|交期|送货|运输|快递|货期|什么时候到|什么时候发|物流单号|运单|"
	  "提货|出货|装车|配送|延期交货|交付|货到|收货|签收|海运|报关|清关|发车|"
	  "到厂|送到|运到|几天能到|安排发货|分批发|分批交|交货期|送达|在途|物流信息", AZI_DELIVERY, 30),
	I("单号|车辆|司机|卸货|仓库|入库|备货", AZI_DELIVERY, 15),
	I("货已经收到|货已收到|货收到了|收到货了|收到货|货到了|已到货|已经到货|发出|发出去|"
	  "发过来|寄过来|送过来|拉货", AZI_DELIVERY, 25),
	I("拆成两批|分两批|分两车|分批|拆分|分几批", AZI_DELIVERY, 30),
	I("deliver*|shipment*|ship|shipped|shipping|logistics|lead time|tracking|arrival|"
	  "dispatch*|freight|eta|container|courier|in transit|arrive*", AZI_DELIVERY, 20),

	/* ---- intent: after-sales ---- */
	I("售后|维修|退换|保修|换货|补发|质保|售后服务|上门|现场支持|返修|退换货|"
	  "售后问题|售后处理|现场处理|技术人员过来|8d报告|8d|纠正措施", AZI_AFTER_SALES, 30),
	I("整改", AZI_AFTER_SALES, 15),
	I("处理方案|原因分析|派人", AZI_AFTER_SALES, 15),
	I("上次投诉|之前的投诉|投诉处理|处理投诉|处理客户投诉|投诉的处理|客诉处理|处理客诉",
	  AZI_AFTER_SALES, 35),
	I("after-sales|after sales|aftersales|warranty|repair*|replacement|"
	  "on-site support|8d report|corrective action", AZI_AFTER_SALES, 30),
	I("replace|root cause", AZI_AFTER_SALES, 15),

	/* ---- intent: other ---- */
	I("节日快乐|中秋快乐|新年快乐|春节快乐|国庆快乐|端午安康|新春|拜年|放假通知|"
	  "假期安排|问候|祝您|生日快乐|吃饭|聚餐|天气|"
	  "happy new year|merry christmas|season's greetings|holiday", AZI_OTHER, 25),
	I("喝茶|聊天|叙旧|走访|顺路|顺便看看", AZI_OTHER, 15),

	/* ---- sentiment: positive ---- */
	S("满意|不错|挺好|很好|太好了|好评|认可|愉快|合作愉快|放心|顺利|"
	  "优秀|点赞|惊喜|高兴|开心|完美|给力|靠谱|赞|出色|超出预期|物美价廉|性价比高|"
	  "值得信赖|信赖|信任|满足要求|符合要求|达到要求|效果好|效果很好|很专业|"
	  "热情|一切正常|很及时|非常及时|交货及时|回复及时|响应及时|积极|"
	  "测试通过|验证通过|认证通过|审核通过|通过了|非常好|特别好|真不错|好用|很顺", 20),
	S("great|excellent|satisfied|satisfying|happy|pleased|impressed|perfect|"
	  "reliable|smooth|smoothly|wonderful|appreciate*|love|awesome|"
	  "works well|fantastic|outstanding|glad", 20),
	S("期待|有意向|意向|希望合作|愿意|很有兴趣|有兴趣|看好|欢迎|荣幸|希望尽快合作|"
	  "稳定|质量稳定|值得推荐|强烈推荐|喜欢|专业|周到|有意|均匀|生意兴隆|快乐|节日快乐|"
	  "一直以来的支持|战略合作|深度合作", 12),
	/* "没问题" mostly agrees or confirms ("没问题 就按这个价", "合同看过了 没问题",
	 * "no problem, please send the new list"): a weak glad word */
	S("没问题|没有问题|no problem", 8),
	S("好的", 5),
	S("good", 8),
	S("interested|look forward|looking forward|keen|excited|welcome|highly recommend*|"
	  "stable|consistent|pleasure", 12),
	S("谢谢|感谢|多谢|辛苦|辛苦了|thanks|thank you|thx", 8),
	S("感兴趣|很感兴趣|比较感兴趣", 15),
	S("非常感谢|十分感谢|万分感谢|太感谢|特别感谢|感谢支持|感谢配合|many thanks|thanks a lot",
	  15),
	/* gratitude for help given ("这次断料多亏贵司连夜发货") */
	S("多亏|多亏了|幸亏有|帮了大忙|帮了我们大忙|解了燃眉之急|saved us|lifesaver", 15),
	K("谢谢|感谢|多谢|thanks|thank you|thx|非常感谢|十分感谢|万分感谢|太感谢|特别感谢|感谢支持|"
	  "感谢配合|many thanks|thanks a lot|thanks again|thank you again|再次感谢", AZK_THANKS, 10),
	/* courtesy that goes with a request as thanks do ("I really appreciate your
	 * help", "a quote would also be helpful", "麻烦尽快,辛苦了") */
	/* a condition: "如果样品测试通过", "只要质量稳定", "if the trial goes well" */
	K("如果|假如|倘若|若是|要是|只要|一旦|万一|if|as long as|provided that", AZK_IF, 10),
	K("主要是|只要是|需要是", AZK_BLOCK, 0),
	K("只要求", AZK_REQUEST, 10),	/* not 只要 + 要求 */
	/* a passed check or a liking as the condition of a later step ("测试通过后再谈价格") */
	S("通过后|测试通过后|验证通过后|认证通过后|审核通过后|合格后|满意后|认可后|确认没问题后|"
	  "没问题再|满意的话|满意再|合适的话|可以的话|ok的话", 0),
	/* settled: not the 问题 inside */
	S("问题解决了|问题已解决|问题都解决了|问题已经解决|问题已经解决了|问题得到解决", 10),
	K("辛苦|辛苦了|appreciate*|appreciated|helpful|grateful|很有帮助|有帮助|"
	  "thank you for your help|thanks for your help|thank you for your time|"
	  "thanks for your time", AZK_THANKS, 10),

	/* ---- sentiment: negative ---- */
	S("不满|不满意|失望|很失望|非常失望|生气|愤怒|很差|太差|质量差|差评|差劲|糟糕|"
	  "无法接受|不能接受|不可接受|太离谱|离谱|忍无可忍|受不了|投诉|客诉|索赔|"
	  "严重不满|极其不满|一塌糊涂|欺骗|上当|不靠谱|太慢|太贵|坑|不地道|不厚道|太过分|过分|"
	  "说不过去|达不到|不达标|骗人|虚假宣传|忽悠|名不副实|不回消息|不回复|没人回|没人理|"
	  "没回复|不理人|不高兴|难以接受|不合理", -25),
	S("disappointed|disappointing|unacceptable|angry|furious|terrible|awful|worst|"
	  "horrible|frustrated|frustrating|poor|complaint|complain*|upset|unhappy|"
	  "not acceptable|ridiculous", -25),
	S("质量问题|不合格|赔偿|损失|延误|拖延|迟迟|一直没|不良|缺陷|开裂|裂纹|变形|"
	  "发黄|色差|黑点|气泡|异味|断裂|发脆|破损|损坏|受潮|结块|短装|少发|错发|发错|杂质|"
	  "混料|报废|返工|抱怨|不稳定|担心|担忧|遗憾|麻烦了|影响生产|停线|断料|"
	  "换供应商|考虑其他供应商|找别家|取消订单|暂停合作|停止合作|最后一次|"
	  "又延期|一再|屡次|再三|催了|还没到|还没收到|没收到|未收到|还没发|"
	  "不理想|偏高|太高|偏贵|涨价|上涨|贵了", -15),
	S("bad|defect|defects|defective|delayed|delay|late|broken|damaged|cracked|crack*|"
	  "worse|refund|worried|"
	  "too expensive|expensive|higher than|losses|wrong|failed|failure", -15),
	S("问题|慢|贵|催|还没|高了|一般般|很一般|比较一般|cancel*|错了", -6),
	S("表示认可|已解决|基本解决|解决了", 10),
	S("表示理解|可以理解", 6),
	S("issue|issues|problem|problems|concern|concerns|concerned", -6),

	/* ---- broader coverage (phrasings seen in calls, chats and mail) ---- */
	I("求购|有需求|想买|购买|买一些|买点|了解产品|产品介绍|价目表|价格单|什么价格|价格如何|"
	  "多少一吨|多少一公斤|单价多少|货源|能供|能不能供|最多能供|供应能力|比价|有没有|"
	  "有吗|有货吗|能不能做|能做吗|可以做吗|太贵|贵了|便宜点|便宜一点|优惠点|优惠一点|"
	  "再优惠|能便宜|降点|降一点|让点|砍价|议价|还价|这个价|价格偏高|价格太高|报价太高|"
	  "扩产|扩大产能|翻倍|增量|需求增加|新项目|开发新|看看你们", AZI_INQUIRY, 15),
	I("looking for|sourcing|source|purchase|buy|interested in|best price|can you supply|"
	  "do you have|can you make|available|bargain|discount|cheaper|lower price|"
	  "too expensive|new project", AZI_INQUIRY, 15),
	I("质量不行|质量太差|不良品|次品|问题很大|一拖再拖|多次催|催了好几次|一直在等|"
	  "到底能不能|到底怎么回事|怎么回事|搞什么|给个解释|追责|罚款|扣款|拒收|退料|"
	  "被投诉|被客户投诉|忽好忽坏|差太多|差很多|差别很大|超标|水分超标|检测不过|"
	  "检验不合格|过不了|不通过|没通过|测试不过|不过关|强度不够|性能不够|不够用|"
	  "达不到要求|不满足要求|满足不了|错货|发错货|wrong material|"
	  "wrong product|wrong grade|wrong item|poor quality|not happy|unhappy|still not|"
	  "still haven't|yet to receive|penalty|compensation|compensate", AZI_COMPLAINT, 30),
	I("异常|波动|不稳定|差异|偏黄|变色|浮纤|银纹|发白|焦料|烧焦|缺料|粘模|分层|起皮|"
	  "黄变|水分|again|issue again", AZI_COMPLAINT, 15),
	S("质量不行|质量太差|不良品|次品|问题很大|一拖再拖|多次催|催了好几次|一直在等|"
	  "到底能不能|到底怎么回事|怎么回事|搞什么|给个解释|追责|罚款|扣款|拒收|退料|"
	  "被投诉|被客户投诉|忽好忽坏|差太多|差很多|差别很大|超标|水分超标|检测不过|"
	  "检验不合格|过不了|不通过|没通过|测试不过|不过关|强度不够|性能不够|不够用|"
	  "达不到要求|不满足要求|满足不了|错货|发错货|wrong material|wrong product|"
	  "poor quality|not happy|unhappy|still not|still haven't|penalty|compensation|"
	  "气愤|恼火|无语|崩溃|郁闷|头疼|垃圾|太烂|很烂|不明显|效果不好|没效果|没用|"
	  "先不用了|不用了", -18),
	S("没谈拢|谈不拢", -8),
	S("异常|波动|差异|偏黄|变色|浮纤|银纹|发白|焦料|烧焦|缺料|粘模|分层|起皮|黄变|"
	  "压力|顾虑|担心|焦虑", -10),
	I("参数|物理性能|力学性能|机械性能|拉伸|弯曲|冲击|熔体|黏度|粘度|分子量|含水率|"
	  "烘干|预烘|注塑温度|螺杆|背压|保压|射速|成型周期|收缩|公差|阻燃剂|卤素|"
	  "添加剂|相容剂|增韧|玻纤|碳纤|滑石粉|填充|改性|色粉|色母|耐uv|抗uv|抗老化|老化|"
	  "耐黄变|耐刮|光泽|哑光|高光|喷涂|电镀|焊接|耐焊接|超声波|应用案例|替代方案|选型|"
	  "牌号|气味|voc|区别|有什么区别|差别|证书|grs|环保证书|安排测试|测完|"
	  "测试完|反馈结果|跌落|调试|grade|formulation|mold temperature|melt temperature|"
	  "gloss|uv|weathering|heat deflection|viscosity|moisture|drop test|test report|"
	  "certification|certificate|recommend a grade|application", AZI_TECHNICAL, 20),
	I("阻燃", AZI_TECHNICAL, 15),
	I("延期|推迟", AZI_COMPLAINT, 10),
	I("供应商", AZI_COOPERATION, 12),
	I("共赢|双赢|携手|伙伴|联合|扩大合作|加深合作|份额|保密协议|nda|mou|意向书|签约|"
	  "招标|投标|中标|第二供应商|二供|备选供应商|引入|列为|供货保障|年度报价|"
	  "年度采购|首年|审核|二方审核|供应商审核|现场审核|体系审核|合作情况|业务回顾|"
	  "季度回顾|年度回顾|合作回顾|回顾合作|转过来|转给我们|增加份额|更多合作|加大采购|扩大采购|"
	  "dealer|work together|tender|bid|vendor|supplier list|onboarding|commit*|"
	  "business review|qbr", AZI_COOPERATION, 25),
	I("加订|再加订|追加订购|增订|订了|改单|取消订单|撤单|订单变更|下批货|下一批货|"
	  "采购计划|订单计划|forecast|blanket order|call-off|postpone|cancel the order|"
	  "cancel our order|cancel po", AZI_ORDER, 25),
	I("付了|付过|已付|汇了|打了款|打过去|转过去|账户|银行账户|收款账户|开户行|账号|税号|"
	  "抬头|发票抬头|开发票|红冲|冲红|结清|清账|赊账|信用额度|额度|保证金|押金|滞纳金|"
	  "付款计划|分期|bank account|credit limit|outstanding|settle|settlement|"
	  "proforma|credit note|wire", AZI_PAYMENT, 25),
	I("先发|能发|快发|赶紧发|马上发|今天发|明天发|尽快发|发一车|派车|安排车|到货时间|"
	  "送货时间|能不能到|今天能到|能到吗|到了吗|什么时候能到|哪天到|运费|包邮|到付|货运|"
	  "专线|托盘|吨袋|打托|唛头|装柜|空运|提单|船期|到港|港口|出库|包装|vessel|port|"
	  "bill of lading|etd|ship to|shipped to", AZI_DELIVERY, 20),
	I("技术服务|处理结果|解决方案|纠正预防|改善报告|满意度回访|rma|service visit",
	  AZI_AFTER_SALES, 20),
	I("回访", AZI_AFTER_SALES, 10),
	I("指导", AZI_TECHNICAL, 15),
	S("好很多|好多了|改善|进步|更好|提升|稳定多了|准时|按时|到位|信得过|靠得住|老朋友|互利|"
	  "共赢|双赢|欣慰|很棒|棒|表扬|肯定|成功|中标|达标|列为|入选|入围|选定|还可以|"
	  "兴趣|已关闭|已闭环|已结案|会继续|继续用|继续合作|committed|performed well|"
	  "works great|well done|improved|on time", 12),
	S("浓厚兴趣|兴趣浓厚|非常棒|太棒了", 20),
	S("扩产|扩大产能|翻倍|业务增长|增长不错|增加用量|用量增加", 12),
	/* hedged faint praise ("还行吧", "凑合用") and English understatement
	 * ("not quite what we expected", "a bit below par") */
	S("还行吧|还可以吧|也就那样|就那样吧", 0),
	S("凑合|凑合用|还凑合|将就|将就着用|马马虎虎|勉勉强强", -8),
	S("not quite what we expected|not what we expected|below expectations|below our expectations|"
	  "below par|fell short|falls short|fall short of|left a lot to be desired|"
	  "leaves a lot to be desired|not impressed|underwhelming|not best pleased|a bit disappointing|"
	  "somewhat disappointing|rather disappointing", -20),
	S("less than ideal|not ideal|could be better|could have been better|not thrilled", -10),
	/* business won: a contract signed on the spot, a project nominated, a
	 * fixed or larger volume, a go-ahead from the customer's boss -- a glad
	 * turn, unlike a routine PO */
	S("签订年度|签年度|签了年度|年度采购合同|当场签订|当场签|当场确认|当场下单|项目定点|"
	  "开始正式下单|正式下单|固定采购|用量提高|提高用量|老板批了|领导批了|董事会批了|"
	  "总部批了|集团批了|可以下单了", 12),
	K("签订年度|签年度|签了年度|年度采购合同|当场签订|当场签|当场确认|当场下单|项目定点|"
	  "开始正式下单|正式下单|固定采购|用量提高|提高用量|老板批了|领导批了|董事会批了|"
	  "总部批了|集团批了|可以下单了", AZK_WON, 10),
	S("上次投诉|之前的投诉|投诉处理|处理投诉|处理客户投诉|投诉的处理|客诉处理|处理客诉|技术问题|"
	  "技术交流|问题描述", 0),
	I("态度差|态度不好|服务差|服务态度差|弄坏|搞坏|冲击强度不够|强度不足|冲击不够|冲击强度不足",
	  AZI_COMPLAINT, 30),
	S("态度差|态度不好|服务差|服务态度差|弄坏|搞坏|冲击强度不够|强度不足|冲击不够|冲击强度不足",
	  -18),
	I("调整工艺|工艺调整|调整参数|参数调整|工艺建议|技术建议|给点建议|有没有建议|样品收到|收到样品|"
	  "收到了样品|样品已收到", AZI_TECHNICAL, 25),
	I("加订|再加订|追加订购|增订", AZI_ORDER, 35),
	U("没料了|快没料|等料|等着上机|要上机|line is waiting|waiting for the material",
	  AZU_HIGH, 30),
	U("索赔|要求赔偿|compensation", AZU_HIGH, 20),
	K("期望|到样时间|交期要求|要货时间|要货", AZK_NEED, 10),
	K("这个价|卖|才卖|卖到|报到|给到|开价|要价|每吨|每公斤|问价|询价|议价|问价格|询问价格", AZK_PRICEWORD, 10),

	/* defects named by the customer are a complaint more than a technical topic */
	I("缺陷|开裂|裂纹|变形|发黄|色差|黑点|气泡|异味|断裂|发脆|脆性|飞边|流痕|毛刺|杂质|混料|"
	  "银纹|缩痕|浮纤|发灰|粉末|破了|坏了|漏了|散了|臭|味道大|气味大|质量反馈|品质反馈|"
	  "良品率从|良率从|良率下降|良品率下降|良率低|良品率低|不均匀|未按时|没按时|未按期|"
	  "没按期|延迟到货|停工|说明原因|涨这么多|涨了这么多|怎么又涨|又涨|contamination|"
	  "contaminated", AZI_COMPLAINT, 25),
	S("银纹|缩痕|破了|坏了|漏了|散了|臭|味道大|气味大|良品率从|良率从|良率下降|良品率下降|"
	  "良率低|良品率低|不均匀|未按时|没按时|未按期|没按期|延迟到货|停工|涨这么多|"
	  "涨了这么多|怎么又涨|又涨|contamination|contaminated|只能换了|就换了|换一家|"
	  "暂停|砍了|搁置|暂缓|cannot accept|can't accept|not accept", -13),
	U("停工|停机|停产了", AZU_HIGH, 30),
	I("停工|停机", AZI_COMPLAINT, 20),
	I("批量采购|开始采购|正式采购|首月|首批订单", AZI_ORDER, 25),
	I("代工|代加工|来料加工|oem|odm|贴牌|委托加工", AZI_COOPERATION, 40),
	I("敲定|谈妥|达成一致|达成共识|接待|展厅", AZI_COOPERATION, 30),
	I("过去看看|来看看|参观一下|去你们工厂|到你们工厂|工厂在哪|工厂地址", AZI_COOPERATION, 20),
	I("例会|周会|汇报|内部会议|工作计划|周报|月报|工作总结", AZI_OTHER, 25),
	I("碳足迹|碳排放|lca|样板|效果", AZI_TECHNICAL, 15),
	I("数据", AZI_TECHNICAL, 10),
	I("送", AZI_DELIVERY, 10),
	I("货", AZI_DELIVERY, 6),
	S("通过全部测试|通过测试|通过了测试|顺利通过|全部通过|诚邀|邀请|同意了|同意|答应了|"
	  "批下来|批下来了|接受了|可以接受|敲定|谈妥|达成一致|达成共识|会增加|将增加|增加用量|"
	  "加大用量|量会增加", 12),

	/* material attributes: what the customer wants more than a technical topic */
	I("耐热|耐候|低气味|耐低温|耐寒|抗冲|高光|高流动|增强|对比", AZI_TECHNICAL, 12),
	I("有吗|有货吗|有现货|有没有现货|有没有货|你们有|顶上|替代供应|能不能供", AZI_INQUIRY, 25),
	I("不耐烦|没人给答复|没人答复|没有答复|没给答复|没有回复|没人管|到底什么时候|"
	  "什么时候能解决|还没解决|一直没解决|打了三次|打了好几次|催了三次|少了|缺了|短少|"
	  "数量不对|数量不符|再不发货|再不给|要找别家|找别家|换别家|真的要", AZI_COMPLAINT, 30),
	S("不耐烦|没人给答复|没人答复|没有答复|没给答复|没有回复|没人管|到底什么时候|"
	  "什么时候能解决|还没解决|一直没解决|打了三次|打了好几次|催了三次|少了|缺了|短少|"
	  "数量不对|数量不符|再不发货|再不给|要找别家|换别家|卡得很严|卡得紧|压价|重新招标|"
	  "砍单|砍了单", -18),
	U("到底什么时候|什么时候能解决|再不发货", AZU_HIGH, 25),
	U("优先处理|优先安排|优先发货", AZU_MEDIUM, 15),
	I("多久发货|多久可以发货|多久能发货|几天发货|多久到|多久能到|多久交货|交货周期|几天能发",
	  AZI_DELIVERY, 40),
	I("处理报告|排查|已更换|改善措施|原因为|原因是|建议客户|给出建议|改善建议|指导客户|"
	  "改善存储", AZI_AFTER_SALES, 30),
	I("采购", AZI_ORDER, 10),
	I("每月采购|按月采购|长期采购", AZI_ORDER, 30),
	I("定点|定点了|砍单|砍了单|推迟到|延后到|订单推迟|暂缓下单", AZI_ORDER, 25),
	I("supplier registration|registration form|business license|营业执照|供应商注册|"
	  "供应商登记|vmi|寄售|consignment|agreed|agreement", AZI_COOPERATION, 30),
	I("检验报告|出货报告|出厂检验|质检报告|coa|suitable for|food grade|food contact|"
	  "food packaging|适合做|适不适合|适合用于", AZI_TECHNICAL, 30),
	S("哈哈|嘿嘿|😊|😄|👍|🙏|很有帮助|有帮助|帮了大忙|好消息|定点了|拿下|agreed|agree|"
	  "helpful|good news", 12),
	K("一共|总共", AZK_PRICEWORD, 10),
	K("优先考虑|不了|请你|请您吃饭|请你吃饭|请你喝|请客", AZK_BLOCK, 0),
	U("放假通知|停电通知|搬迁通知|发货通知|通知如下|特此通知|敬请理解|"
	  "notice of|price increase notice|"
	  "delay notice|for your information", AZU_LOW, 15),
	K("我们|我司|我这边|我方|我们这边", AZK_SELF, 10),
	K("价格|报价|单价|价钱|价位|太贵|贵了|便宜|涨价|降价|涨了|涨幅|调价|price|prices|pricing|"
	  "expensive|cheaper|discount|price increase", AZK_HAGGLE, 10),
	K("请查收|注意查收|请注意查收|麻烦查收|请知悉|敬请知悉|供参考|for your information|fyi|"
	  "please note", AZK_BLOCK, 0),
	/* returns and replacements are after-sales unless the customer is upset
	 * (the negativity bonus then makes them a complaint) */
	I("退货|退回|退料|申请退货|退换|换货|退款|returning|return|returns|rma", AZI_AFTER_SALES, 35),
	S("退货|退回|returning", -8),
	I("不是投诉|并非投诉|不算投诉|not a complaint|只是反馈|反馈一下", AZI_AFTER_SALES, 20),
	S("不是投诉|并非投诉|不算投诉|not a complaint", 0),
	/* auto-replies and notices */
	I("自动回复|out of office|out of the office|auto-reply|autoreply|automatic reply|"
	  "休假中|不在办公室|放假通知|停电通知|搬迁通知|更名通知", AZI_OTHER, 60),
	U("自动回复|out of office|out of the office|auto-reply|automatic reply|休假中", AZU_LOW, 60),
	/* serious complaints: production stop, rejection downstream, claims,
	 * legal or contract threats, switching suppliers */
	K("客户拒收|被拒收|被退货|终端客户投诉|被客户投诉|被终端客户|rejected by our customer|"
	  "赔偿|索赔|要求赔偿|compensation|claim|"
	  "律师|法律|起诉|终止合作|解除合同|换供应商|考虑其他供应商|换一家|找别家|换别家|要找别家|"
	  "不合作了|不再合作|停止合作|switch supplier*|other suppliers|legal action|terminate",
	  AZK_THREAT, 10),
	U("急", AZU_HIGH, 20),
	/* asks that need a reply */
	K("想了解|了解一下|咨询|询问|问一下|想问|问问|打听|求购|寻求|looking for|interested in|"
	  "please advise|let us know|please confirm|请确认|确认一下", AZK_QUESTION, 10),
	/* dunning and dodging collection */
	S("逾期|催款|拖欠|欠款|逾期未付|尚未支付|未付款|overdue|past due|宽限|推迟付款|"
	  "延期付款|缓一缓|资金紧张|资金周转|周转困难", -15),
	/* Hong Kong dollars and Traditional spellings folded to Simplified */
	I("抱怨|深浅不一|参差不齐|时好时坏|影响良率|影响外观|影响质量|影响使用", AZI_COMPLAINT, 35),
	S("抱怨|深浅不一|参差不齐|时好时坏|影响良率|影响外观|影响质量|影响使用", -18),
	I("继续跟进|跟进处理|持续跟进|已经改善|有所改善", AZI_AFTER_SALES, 25),
	I("前到|之前到|前送到|之前送到|前交|之前交|前发|之前发", AZI_DELIVERY, 25),
	S("安康|端午安康|中秋快乐|国庆快乐|春节快乐|新年快乐|元旦快乐|圣诞快乐|完好|包装完好|"
	  "印象深刻|印象很好|印象不错|签署|签约", 12),
	S("关照", 8),
	S("稳定供应|稳定供货|没问题吧|没问题吗|有问题吗|有没有问题", 0),
	I("先下|的单子|的单|下个单子", AZI_ORDER, 25),
	I("测|模具", AZI_TECHNICAL, 10),
	I("还没测|没来得及测|测了|测一下|测过", AZI_TECHNICAL, 20),
	I("寄到|寄过来|寄一些|寄点", AZI_INQUIRY, 15),
	I("介绍给|推荐给|转介绍|joint development", AZI_COOPERATION, 25),
	S("问题解决|得到解决|解决|joint development|would like to explore", 10),
	S("太长|太久|等太久|wet|damp|不太好", -15),
	S("减少", -8),
	I("仍未解决|仍然没有解决|还是没解决|问题依旧|依然存在", AZI_COMPLAINT, 25),
	S("仍未解决|仍然没有解决|还是没解决|问题依旧|依然存在", -15),
	U("仍未解决|还没解决|一直没解决|问题依旧", AZU_MEDIUM, 15),
	I("元旦快乐|新年快乐|春节快乐|节日快乐|新的一年|合作愉快|祝合作愉快", AZI_OTHER, 25),
	I("应用|案例|用在", AZI_TECHNICAL, 15),
	I("把订单发|订单发过来|发订单|订单发你", AZI_ORDER, 30),
	S("没得说|没话说|passed|pass the test|长期供货", 15),

	/* ---- negation / hedges / intensifiers / contrast ---- */
	K("不|没|没有|无|未|别|并不|从不|从没|从未|毫无|不用|无需|不需要|不必|不会|并没有|"
	  "没什么|未能|不能|无法", AZK_NEG, 10),
	K("不太|不是很|不怎么|不算|不大|不够", AZK_NEG, 7),
	K("not|no|never|don't|doesn't|didn't|isn't|aren't|wasn't|weren't|won't|can't|"
	  "cannot|hardly|without|nothing|none|neither", AZK_NEG, 10),
	K("不是|并非|并不是|not a|not an", AZK_NOTA, 10),
	K("可能|也许|或许|考虑|大概|估计|初步|暂定|看看|待定|不确定|打算|有可能|说不定|"
	  "maybe|perhaps|possibly|might|considering|tentative|probably", AZK_HEDGE, 10),
	K("非常|特别|十分|极其|超级|实在|完全|太|极|严重", AZK_INTENS, 15),
	K("很|相当|真的|真是|确实|挺|一直", AZK_INTENS, 13),
	K("比较|有点|有些|稍微|略", AZK_INTENS, 8),
	K("very|extremely|really|highly|totally|absolutely|so|too|seriously", AZK_INTENS, 15),
	K("quite|rather|a bit|slightly|somewhat|a little", AZK_INTENS, 8),
	K("但是|但|不过|可是|然而|却|but|however|though", AZK_CONTRAST, 10),
	K("只是|,就是", AZK_CONTRAST, 5),	/* weaker: does not take back a disclaimer */
	/* "说实话这次交期让我们有点难办", "To be honest, the results were a bit
	 * disappointing", "合作总体很愉快…唯一的问题是…": what follows is the point */
	K("说实话|说实在的|老实说|坦白说|实话实说|唯一的问题|"
	  "唯一不足|美中不足|only issue|only problem|only concern", AZK_CONTRAST, 5),
	K("说实话|说实在的|老实说|坦白说|实话实说|唯一的问题|"
	  "唯一不足|美中不足|only issue|only problem|only concern", AZK_MOODONLY, 10),

	/* ---- urgency ---- */
	U("紧急|加急|尽快|马上|立刻|立即|急需|急用|十万火急|火速|赶紧|停线|断料|停产|"
	  "投诉升级|刻不容缓|等着用|特急|当天|今天之内|今天必须|24小时内|越快越好|第一时间|"
	  "非常急|很急|十分着急|着急|急等|加紧|务必今天|严重影响|迫切|影响生产|影响到生产|"
	  "影响我们生产|影响我们的生产|耽误生产|生产线停|产线停|快停了|等米下锅|"
	  "扬言|投诉到|找你们老板|找你们领导|曝光|律师函|法律途径|"
	  "最后通牒", AZU_HIGH, 30),
	U("严重", AZU_MEDIUM, 15),
	U("urgent|urgently|asap|immediately|right away|emergency|critical|as soon as possible|"
	  "line down|production stop*|top priority|rush order|without delay", AZU_HIGH, 30),
	U("尽早|抓紧|早点|及时|催|催促|希望早日|早日|快点|快一点|再快|加快", AZU_MEDIUM, 15),
	U("soon|shortly|promptly|at your earliest convenience|earliest|priority|timely",
	  AZU_MEDIUM, 15),
	U("不着急|不急|不用急|不赶|不用赶|慢慢来|有空|暂时不需要|不是很急|不太急|"
	  "不用着急|无需着急|不必着急|不紧急|不需要太急|时间充裕|时间不急|"
	  "明年再说|以后再说|先放一放|后续再说|有需要再联系", AZU_LOW, 30),
	/* a horizon, not a statement about this request: low only when
	 * nothing is asked (an explicit request still needs a reply) */
	K("先了解|长期规划|随时|whenever|in the future|next year|到时候再|到时再|再说|后面再看|"
	  "再看看|再联系", AZK_HORIZON, 10),
	U("not urgent|no rush|no hurry|no urgency|not in a hurry|take your time|"
	  "not time sensitive|no need to rush", AZU_LOW, 30),

	/* ---- date words ---- */
	D("今天|今日|当日|今早|今天上午|今天下午|today|this morning|this afternoon", AZD_TODAY, 0),
	D("今晚|tonight", AZD_TONIGHT, 0),
	D("明天|明日|明早|明天上午|明天下午|tomorrow", AZD_TOMORROW, 0),
	D("后天|day after tomorrow", AZD_AFTER_TOMORROW, 0),
	D("大后天", AZD_3DAYS, 0),
	D("昨天|昨日|yesterday", AZD_YESTERDAY, 0),
	D("前天", AZD_BEFORE_YESTERDAY, 0),
	D("本周|这周|这个星期|这星期|本星期|这礼拜|这个礼拜|this week", AZD_THIS_WEEK, 0),
	D("下周|下星期|下个星期|下礼拜|下个礼拜|next week", AZD_NEXT_WEEK, 0),
	D("下下周|下下个星期", AZD_NEXT_NEXT_WEEK, 0),
	D("上周|上星期|上个星期|上礼拜|last week", AZD_LAST_WEEK, 0),
	D("周|星期|礼拜", AZD_WEEKDAY_PREFIX, 0),
	D("本月|这个月|当月|this month", AZD_THIS_MONTH, 0),
	D("下个月|下月|next month", AZD_NEXT_MONTH, 0),
	D("上个月|上月|last month", AZD_LAST_MONTH, 0),
	D("月初", AZD_MONTH_START, 0),
	D("月中", AZD_MONTH_MID, 0),
	D("月底|月末|end of the month|end of month|end of this month|month end|month-end",
	  AZD_MONTH_END, 0),
	D("上旬", AZD_XUN_EARLY, 0),
	D("中旬", AZD_XUN_MID, 0),
	D("下旬", AZD_XUN_LATE, 0),
	D("年底|年末|end of the year|end of year|year end|year-end", AZD_YEAR_END, 0),
	D("明年|next year", AZD_NEXT_YEAR, 0),
	D("今年|this year", AZD_THIS_YEAR, 0),
	D("q1|一季度|第一季度|1季度", AZD_Q1, 0),
	D("q2|二季度|第二季度|2季度", AZD_Q2, 0),
	D("q3|三季度|第三季度|3季度", AZD_Q3, 0),
	D("q4|四季度|第四季度|4季度", AZD_Q4, 0),
	D("下季度|下个季度|next quarter", AZD_NEXT_QUARTER, 0),
	D("end of the week|end of this week|end of week|this weekend|weekend|周末|本周末|这周末", AZD_EN_END_OF_WEEK, 0),
	D("monday", AZD_EN_WEEKDAY, 0), D("tuesday", AZD_EN_WEEKDAY, 1),
	D("wednesday", AZD_EN_WEEKDAY, 2), D("thursday", AZD_EN_WEEKDAY, 3),
	D("friday", AZD_EN_WEEKDAY, 4), D("saturday", AZD_EN_WEEKDAY, 5),
	D("sunday", AZD_EN_WEEKDAY, 6),
	D("january|jan", AZD_EN_MONTH, 1), D("february|feb", AZD_EN_MONTH, 2),
	D("march|mar", AZD_EN_MONTH, 3), D("april|apr", AZD_EN_MONTH, 4),
	D("may", AZD_EN_MONTH, 5), D("june|jun", AZD_EN_MONTH, 6),
	D("july|jul", AZD_EN_MONTH, 7), D("august|aug", AZD_EN_MONTH, 8),
	D("september|sep|sept", AZD_EN_MONTH, 9), D("october|oct", AZD_EN_MONTH, 10),
	D("november|nov", AZD_EN_MONTH, 11), D("december|dec", AZD_EN_MONTH, 12),

	/* ---- follow-up triggers ---- */
	F("样品|试样|打样|送样|寄样|样料|小样|样板|寄一些|sample|samples", AZF_SAMPLE),
	F("报价|报价单|报个价|报一下价|报下价|求报价|价格表|询价|quote|quotation*|price list|rfq",
	  AZF_QUOTE),
	F("技术参数|参数表|物性表|物性参数|tds|msds|datasheet|data sheet|规格书|技术资料|"
	  "检测报告|测试报告|认证报告|coa", AZF_TECH),
	F("投诉|客诉|质量投诉|投诉升级|complaint", AZF_COMPLAINT),
	F("参观|考察|拜访|工厂参观|验厂|审厂|来厂|到访|visit|factory tour|audit", AZF_VISIT),
	F("合同|框架协议|采购合同|年度协议|contract|framework agreement", AZF_CONTRACT),
	F("发票|开票|增值税发票|专票|invoice*", AZF_INVOICE),
	F("会议|开会|视频会议|电话会议|meeting", AZF_MEETING),

	/* ---- requests, price words, context words ---- */
	K("请|麻烦|烦请|劳烦|能否|能不能|可否|可不可以|是否可以|帮忙|帮我|帮我们|希望贵司|"
	  "希望你们|辛苦安排|尽快安排|please|kindly|could you|can you|would you|pls|plz",
	  AZK_REQUEST, 10),
	K("价格|单价|报价|价钱|价位|吨价|售价|成交价|到厂价|出厂价|含税价|不含税|拿货价|"
	  "优惠价|批量价|最低价|降到|涨到|调到|降至|涨至|调整为|优惠到|电汇|汇款|汇了|打款|"
	  "付款|转账|货款|回款|欠款|尾款|预付款|定金|金额|总额|总价|合计|共计|price|priced|"
	  "amount|total|balance|"
	  "quoted|cost|costs|offer", AZK_PRICEWORD, 10),
	K("已|已经|刚刚|刚才|already|was|were|received", AZK_PAST, 10),
	K("需要|需|要求|希望|必须|务必|一定要|要用|想要|要在|得在|最晚|最迟|截止|"
	  "能不能|能否|可否|是否能|约好|说好|让我们|叫我们|要我们|"
	  "need|needs|required|require|must|have to|expect|expected|"
	  "deadline|no later than|before|by|until", AZK_NEED, 10),
	{"月需求|每月|月用量|月采购|每个月|月均|月需|月消耗|月产|一个月用|monthly|per month|"
	 "a month|/month|/月", AZK_PERIOD, 1, 0},
	{"年需求|每年|年用量|年采购|全年|年均|年消耗|annually|yearly|per year|a year|/年",
	 AZK_PERIOD, 2, 0},
	{"每周|周用量|weekly|per week|/周", AZK_PERIOD, 3, 0},
	{"每天|日用量|每日|daily|per day|/天", AZK_PERIOD, 4, 0},
	K("吗|什么|多少|是否|有没有|怎么|如何|几天|几时|请问|请教|?|how|what|when|which|"
	  "is there|are there|do you|does it", AZK_QUESTION, 10),

	/* ---- neutral words that shadow shorter cues ---- */
	K("不仅|不但|不断|不同|不少|不久|不然|不好意思|不一定|不得不|差不多|不管|无论|"
	  "未来|别人|别的|区别|特别是|分别|级别|类别|识别|无卤|无铅|无毒|无纺|不锈钢|不干胶|"
	  "会通知|会通过|会通报|申请|邀请|请假|请客|毫无疑问|一周|"
	  "周边|周期|周转|周到|四周|不见不散|"
	  "无论如何|免不了|少不了|离不开|不可或缺|no later than|not only|"
	  "no matter|may i|you may|we may|it may|may be|in order to|in order|"
	  "good morning|good afternoon|good evening|good day|不用谢|不客气|别客气|出差|"
	  "贵司|贵公司|贵方|贵厂|贵单位|宝贵|无锡|三年前|两年前|一年前|几年前|如有紧急|紧急事宜|"
	  "紧急联系|outstanding balance|outstanding amount|outstanding invoice|"
	  "outstanding payment", AZK_BLOCK, 0),
	/* positives hidden behind a negation word */
	S("问题不大|无异常|没毛病|不贵|不差|不慢|没关系|无误", 15),
	S("不好|不行|不好用|不合适|不靠谱|不满|不愿意|不理想|不稳定|不合格|不及时|不专业|不够好|"
	  "不负责|不认可|没法用|没用", -20),
	U("不急|不着急|不用急", AZU_LOW, 30),

	/* ---- cue families added after the dev2 corpus (general phrasings) ---- */
	/* worse than before, repeated failures, service lapses: a complaint
	 * without the word 投诉 */
	I("比上批|比上一批|比以前差|比之前差|跟以前的|和以前的|与以前的|跟之前的|和之前的|两回事|"
	  "差了好多|差好多|差了很多|低很多|低了很多|低了不少|差了不少|降了很多|变差|越来越差|"
	  "又是这样|每次都|老是|总是这样|追着问|追着催|又迟到|迟到|打不通|不接电话|一直不接|"
	  "混有|混入|混进|生产已停|已停产|线都停了|没过|测试没过|"
	  "worse than|inconsistent|second time|third time|every time|once again|be more careful|"
	  "not the first time|only received|we only received|only got|short shots|short shot",
	  AZI_COMPLAINT, 25),
	S("比以前差|比之前差|两回事|差了好多|差好多|差了很多|低很多|低了很多|低了不少|差了不少|"
	  "降了很多|变差|越来越差|又是这样|每次都|老是|总是这样|追着问|追着催|又迟到|迟到|打不通|"
	  "不接电话|一直不接|混有|混入|混进|生产已停|已停产|线都停了|测试没过|"
	  "worse than|inconsistent|second time|third time|be more careful|not the first time|"
	  "only received|we only received|short shots", -15),
	I("找别的供应商|换别的供应商|别的供应商|其他供应商|另找供应商|另找一家|换掉你们|"
	  "another supplier|other supplier|必须承担|由你们承担|你们承担|承担损失|承担责任|"
	  "客户要退货|客户退货|他们客户要退货", AZI_COMPLAINT, 35),
	S("找别的供应商|换别的供应商|别的供应商|其他供应商|另找供应商|另找一家|换掉你们|"
	  "another supplier|必须承担|由你们承担|你们承担|承担损失|承担责任|客户要退货", -20),
	K("找别的供应商|换别的供应商|别的供应商|其他供应商|另找供应商|另找一家|换掉你们|"
	  "another supplier|other supplier|必须承担|由你们承担|你们承担|承担损失|承担责任|"
	  "扣款|罚款|追责|客户要退货|他们客户要退货", AZK_THREAT, 10),
	U("生产已停|已停产|线都停了|line will stop|production will stop|will stop production|"
	  "line stops|stop our line|停了线", AZU_HIGH, 30),
	/* processing and material questions */
	I("壁厚|薄壁|厚度|干燥|干燥条件|烘多久|烘料时间|多少度|模流|模流分析|翘曲|"
	  "yellow card|ul file|wall thickness|drawing|drawings", AZI_TECHNICAL, 25),
	/* price range, customisation, matching a rival quote: an inquiry */
	I("什么区间|价格区间|价格范围|起做|多少起|起订|定制|能不能跟价|能跟吗|跟价|别家报|人家报|别家给",
	  AZI_INQUIRY, 30),
	K("能不能跟价|能跟吗|跟价|别家报|人家报|别家给", AZK_HAGGLE, 10),
	S("别家", -6),
	/* delivery logistics and documents travelling with the goods */
	I("哪天能到|哪天到货|几号到|几号能到|什么时候到货|能到就行|能发出|发出了吗|发了吗|发货了吗|"
	  "随货|随车|一起送|一起寄|装箱单|接收货物|接货|安排人接收|收货地址|送货地址|入库|"
	  "by sea|by air|by truck|transit time|shipping documents|packing list|when will it arrive",
	  AZI_DELIVERY, 30),
	/* payment paperwork */
	I("statement of account|account statement|statement|bank details|bank information|"
	  "banking details|credit note|银行信息|收款信息|汇款账号|汇款帐号|帐号|对帐", AZI_PAYMENT, 30),
	/* after-sales: on-site service, exchanges, resolved cases */
	I("去现场|到现场|来现场|现场看|现场指导|来一趟|过来看看|过来看一下", AZI_AFTER_SALES, 20),
	I("给换|换一下|要换的|换掉|可以退|能退|退吗|退掉|退一部分|整改有效|问题已解决|已关闭|已结案|"
	  "已闭环|close the case", AZI_AFTER_SALES, 30),
	I("回访", AZI_AFTER_SALES, 20),
	/* orders: documents, changes, pauses */
	I("单子|那张单|这张单|改一下|签完|回签|订单先暂停|暂停订单|订单暂停|先暂停|put on hold|on hold",
	  AZI_ORDER, 25),
	/* congratulations, tests, ignore-me notes */
	I("开业|典礼|庆典|花篮|乔迁|恭喜|祝贺|congratulations|请忽略|please ignore", AZI_OTHER, 30),
	S("恭喜|祝贺|congratulations", 15),
	I("介绍我司|介绍我们公司|回收体系", AZI_COOPERATION, 15),
	/* asks in call notes and minutes: a request that needs an action */
	K("要求我们|要求我方|希望我们|希望我方|要我们|让我方|需要我们|需要你们|需要我方|我方需|"
	  "约了|约下周|要改|asked us to|ask us to|asks us to|want us to|requested", AZK_REQUEST, 10),
	K("客户问|来电问|打电话问|来问|问了|他们问|对方问|工程师问|customer asked|asked about|"
	  "asked whether|asked if", AZK_QUESTION, 10),
	K("please find|please see|please see attached|please find attached|kindly find", AZK_BLOCK, 0),
	/* feedback framed as not a complaint; settled cases */
	K("不是投诉|并非投诉|不算投诉|不是要投诉|not a complaint|不是说料有问题|不是质量问题|"
	  "不是你们的问题|只是反馈|反馈一下", AZK_DISCLAIM, 10),
	K("整改有效|已关闭|已结案|已闭环|问题已解决|已解决|已经解决|问题解决了|暂无新问题|"
	  "没有新问题|close the case|case closed", AZK_RESOLVED, 10),
	/* collection: dodging and dunning */
	S("拖了|拖着|一直拖|还没付|还没打款|没付|未付|催收|超期|final notice|最后通知|"
	  "payment reminder|still unpaid|unpaid", -15),
	I("拖了|还没付|还没打款|未付|催收|超期未付|final notice|payment reminder|unpaid", AZI_PAYMENT, 25),
	/* waiting and lateness, calls to take it seriously */
	I("都在等|在等着|干等|白等|希望我们重视|希望重视|引起重视|请重视|重视一下|太不重视",
	  AZI_COMPLAINT, 25),
	S("都在等|在等着|干等|白等|希望我们重视|希望重视|引起重视|请重视|重视一下|太不重视|又迟到",
	  -15),
	/* asks reported in call notes and minutes */
	K("要求|客户要求|对方要求", AZK_REQUEST, 10),
	K("哪天|何时|您看|你看看", AZK_QUESTION, 10),
	/* "more careful in the future" is a reproach, not a time horizon */
	U("careful in the future|more careful in the future", AZU_MEDIUM, 0),
	/* ---- cue families added after the dev3 corpus ---- */
	I("报个|给我报|帮我报|报一下", AZI_INQUIRY, 25),
	I("线停了|停机了|停线了|整条线|停了两个小时|停了半天", AZI_COMPLAINT, 30),
	U("线停了|停机了|停线了|整条线停", AZU_HIGH, 30),
	/* mismatches with the sample, the contract, the promise */
	I("对不上|不对版|跟样板|与样板|和样板|让我们解释|给个解释|解释一下|偏灰|偏暗|偏深|偏浅|发暗|"
	  "开错|开错了|浪费时间|太浪费|不靠谱|没人通知|没人提前通知|都没人|淋湿|淋雨|湿了|弄湿|"
	  "没给个答复|没个答复|还管不管|管不管|到现在也没|到现在还没|等了一周|等了好几天|"
	  "等了一个星期|送错|送错地址|发错地址|上点心|上心|影响排产|影响了排产|影响了他们|影响到",
	  AZI_COMPLAINT, 25),
	S("对不上|不对版|让我们解释|给个解释|偏灰|偏暗|发暗|开错|开错了|浪费时间|太浪费|没人通知|"
	  "没人提前通知|淋湿|淋雨|弄湿|没给个答复|没个答复|还管不管|管不管|到现在也没|到现在还没|"
	  "等了一周|等了好几天|等了一个星期|送错|送错地址|发错地址|上点心|影响排产|影响了排产|"
	  "影响了他们", -12),
	I("退回重开|重开发票|重新开票|重开", AZI_PAYMENT, 30),
	/* minutes: our commitments are actions to follow */
	K("承诺|我方负责|负责准备|待确认|待客户|审核合同|问我们|问一下|问能不能|问是否|问有没有",
	  AZK_REQUEST, 10),
	I("重金属|混着用|混用|比例|透光率|透明件|哪个料|哪款料|哪个牌号|合适的牌号|"
	  "color-match*|color match*|colour|color plaque|color chip|pantone|aging|ageing|lab test",
	  AZI_TECHNICAL, 25),
	I("distributing|distribution|represent|representative|sole agent|设仓|设个仓", AZI_COOPERATION, 30),
	S("高度评价|评价很高|给予肯定|建立长期合作|谈谈明年的合作|delighted", 12),
	I("按上次价格|按上次的价格|按上次价|老价格|按原价", AZI_ORDER, 30),
	I("退款到账|退款还没|退款什么时候|换回来|折价处理|折价", AZI_AFTER_SALES, 35),
	I("来电找|转接|已转接|booth|exhibition|trade show|展会|展位|展台|chinaplas", AZI_OTHER, 30),
	I("没送|还没送|还没发|没发货|还没发货", AZI_DELIVERY, 30),
	/* ---- cue families added after the dev4 batch ---- */
	K("please be advised|please be informed|kindly note|agreed price|as agreed|"
	  "the agreed|as discussed", AZK_BLOCK, 0),
	I("促销|优惠活动|搞活动|打折", AZI_INQUIRY, 30),
	I("能不能降|能降吗|能降多少|比我们低|比你们低|比你们便宜|比我们便宜", AZI_INQUIRY, 20),
	K("能不能降|能降吗|能降多少|比我们低|比你们低|比你们便宜|比我们便宜", AZK_HAGGLE, 10),
	S("这单就给|就给别人了|单子就给", -15),
	I("离职|交接|接替|新的对接人|负责人变更|调岗|left the company|has left|new contact|"
	  "taking over|take over", AZI_OTHER, 30),
	I("金额", AZI_PAYMENT, 20),
	I("评审|供应商评审|年度评审|评审表|调查表|供应商调查", AZI_COOPERATION, 30),
	I("都没寄|还没寄|没寄|还要不要做生意|不想做生意|还想不想做|否则将|否则我们|否则我司|"
	  "otherwise we will|启动第二供应商|引入第二供应商|启用备选供应商", AZI_COMPLAINT, 30),
	S("都没寄|还没寄|还要不要做生意|不想做生意|还想不想做|否则将|否则我们|否则我司|"
	  "otherwise we will|启动第二供应商|引入第二供应商|启用备选供应商", -15),
	K("启动第二供应商|引入第二供应商|启用备选供应商|move the business|otherwise we will",
	  AZK_THREAT, 10),
	I("订单号|订单编号|下的单|下的订单|order number", AZI_ORDER, 8),
	I("买错|订错|下错|换成|还没拆包|未拆封|没拆|unopened", AZI_AFTER_SALES, 30),
	K("垃圾桶|垃圾袋|垃圾分类|垃圾箱", AZK_BLOCK, 0),
	/* dunning letters */
	S("尚未支付|尚未付款|尚未到账|仍未支付|仍未付款|应收账款|账款提醒|付款提醒|催款函|"
	  "friendly reminder|remains unpaid|still outstanding", -15),
	I("尚未支付|尚未付款|尚未到账|仍未支付|仍未付款|应收账款|账款提醒|付款提醒|催款函|"
	  "friendly reminder|remains unpaid|still outstanding", AZI_PAYMENT, 30),
	/* ---- cue families added after the dev5 batch ---- */
	K("完成整改|整改完成|确认关闭|无遗留问题|已经关闭|closed out", AZK_RESOLVED, 10),
	I("完成整改|整改完成|确认关闭|无遗留问题|已经关闭|closed out", AZI_AFTER_SALES, 30),
	K("不是我说|说句实话", AZK_BLOCK, 0),
	I("不行|真不行|老出问题|总出问题|经常出问题|老是出问题|又出问题|经常断|安全隐患|隐患|"
	  "还没影|没影子|车呢|货呢|人呢|写错|写错了|说过好几次|说了好几次|好几次了|说过多少次",
	  AZI_COMPLAINT, 25),
	S("老出问题|总出问题|经常出问题|老是出问题|又出问题|经常断|安全隐患|还没影|没影子|写错|"
	  "写错了|说过好几次|说了好几次|好几次了|说过多少次", -15),
	U("都用完了|料用完了|快用完了", AZU_HIGH, 30),
	K("取消剩余订单|只能取消|否则我们只能|否则只能|否则将", AZK_THREAT, 10),
	I("按原来的价格|原来的价格|按原来价格", AZI_ORDER, 30),
	I("磅单|过磅单|随货报告|随货文件|本次发货|这次发货|发货时", AZI_DELIVERY, 30),
	K("下单后几天|下单后多久|下单后多长时间|下单后几天能到", AZK_BLOCK, 0),
	I("下单后几天|下单后多久|下单后多长时间|下单后几天能到", AZI_DELIVERY, 40),
	I("招聘|应聘|求职|简历|recruit*|hiring|job opening", AZI_OTHER, 40),
	/* ---- cue families added after the dev6 batch ---- */
	I("black specks|black spots|specks|bubbles|brittle|discoloration|discolored|yellowing|"
	  "odor|odour|smell|your material caused|line has been down|keeps happening|keep happening|"
	  "once more|tired of|fed up|again and again|how many times|were short|was short|"
	  "short shipment|short-shipped|fix this|说了多少次|说了很多次|又直接|太慢|响应太慢|丢了|"
	  "丢单|催得太紧|催得紧|催这么紧", AZI_COMPLAINT, 30),
	S("black specks|black spots|specks|brittle|your material caused|line has been down|"
	  "keeps happening|keep happening|tired of|fed up|again and again|how many times|"
	  "short shipment|short-shipped|说了多少次|说了很多次|又直接|响应太慢|丢单|催得太紧|"
	  "催得紧|催这么紧", -15),
	U("line has been down|line is down", AZU_HIGH, 30),
	I("催得太紧|催得紧|催这么紧|按流程走", AZI_PAYMENT, 30),
	I("pick up|pickup|cargo|forwarder|weight list|ready for pickup|collect the goods",
	  AZI_DELIVERY, 30),
	I("regrind|blend|impact properties|mechanical properties|射出|射出温度|成型温度|建议温度|"
	  "温度是多少", AZI_TECHNICAL, 30),
	I("有问题的料|问题料|问题批次|那批有问题", AZI_AFTER_SALES, 30),
	I("长期协议|锁定|锁价|锁量", AZI_COOPERATION, 30),
	I("找错公司|打错电话|走错|找错人", AZI_OTHER, 40),
	K("would like to schedule|schedule a call|schedule a meeting|arrange a call|安排一次|"
	  "约个时间|约时间", AZK_REQUEST, 10),
	K("low odor|low-odor|odor test|odor rating|odour test|odor grade", AZK_BLOCK, 0),
	I("low odor|low-odor|odor test|odor rating|odour test|odor grade", AZI_TECHNICAL, 25),
	/* ---- linguistic cue families (general patterns, not sentences) ---- */
	/* asking for the cause of a problem: a technical question, not blame */
	K("是不是我们|是我们的问题|还是我们|还是设计|还是材料|是材料问题|材料问题还是|设计问题还是|"
	  "工艺问题还是|什么原因|原因是什么|啥原因|怎么避免|如何避免|怎么改善|如何改善|"
	  "有没有遇到过|遇到过类似|类似情况|怎么调|如何调整|该怎么调|what causes|what could cause|"
	  "how to avoid|how can we avoid|any suggestion*|any advice", AZK_CAUSEQ, 10),
	I("是不是我们|是我们的问题|还是我们|还是设计|还是材料|是材料问题|材料问题还是|设计问题还是|"
	  "工艺问题还是|什么原因|原因是什么|啥原因|怎么避免|如何避免|怎么改善|如何改善|"
	  "有没有遇到过|遇到过类似|类似情况|怎么调|如何调整|该怎么调|what causes|what could cause|"
	  "how to avoid|how can we avoid|any suggestion*|any advice", AZI_TECHNICAL, 20),
	/* collection: a billing fact becomes a dunning matter */
	K("逾期|催款|催收|拖欠|欠款|尚未支付|尚未付款|仍未支付|仍未付款|未付|还没付|没付|拖了|拖着|"
	  "一直拖|在拖|超期|付款提醒|催款函|账款提醒|逾期未付|宽限|催|催了|天天催|一直催|催得紧|催得太紧|"
	  "催这么紧|overdue|past due|unpaid|final notice|"
	  "payment reminder|remains unpaid|still outstanding|outstanding balance|outstanding amount",
	  AZK_DUN, 10),
	/* moving business to a competitor (a competitor must follow) */
	K("转给|转到|转向|改用|换成|切换到|切到|转去|改买|switch to|switching to|move to|"
	  "moving to|go with", AZK_SWITCH, 10),
	/* legal and contract threats, ultimatums */
	K("追究|追究责任|违约|违约责任|法律责任|依据合同|按照合同|按合同约定|否则|otherwise|"
	  "breach of contract|legal|lawyer", AZK_THREAT, 10),
	I("追究|追究责任|违约责任|法律责任|多次反映|反复反映|一再反映|始终未|始终没有|迟迟未|"
	  "意见很大|意见大|很有意见|有意见|找不到人|要改改|得改改|该改改|改进一下|"
	  "breach of contract", AZI_COMPLAINT, 30),
	S("追究|追究责任|违约责任|法律责任|多次反映|反复反映|一再反映|始终未|始终没有|迟迟未|"
	  "意见很大|意见大|很有意见|有意见|找不到人", -15),
	/* notices and instructions do not ask for a reply */
	K("如有疑问请|如有问题请|如有需要请|if you have any questions", AZK_BLOCK, 0),
	U("no action needed|no action required|no action is needed|nothing needed|无需回复|不用回复|"
	  "无需处理|不用处理|仅供参考|仅作参考", AZU_LOW, 30),
	/* running out: a production need */
	U("只够用|只够|快用完|急着用|着急用|马上要用|等着用料|赶快|来不及|等不了|等不及|赶不上|"
	  "赶不及|can't wait|cannot wait", AZU_HIGH, 30),
	/* rejection downstream, stopped lines, more legal words: serious */
	K("被客户退|被我们客户|客户退回|被退回|客户不收|拒收了|退了回来|customer rejected|"
	  "rejected by|was rejected|were rejected|line stopped|had to stop|仲裁|诉讼|法院|lawsuit|"
	  "look elsewhere|alternative supplier|重新评估合作|重新考虑合作", AZK_THREAT, 10),
	U("赶", AZU_MEDIUM, 10),
	/* asks whose surface shadows the shorter 能不能/能否 */
	K("能不能降|能不能跟价|能不能供|能不能做|能不能用于|能不能到", AZK_REQUEST, 10),
	/* praise and agreement */
	S("良好|情况良好|运行良好|表现良好|没得挑|无可挑剔|挑不出毛病|没有异议|promising|"
	  "looks good|look good", 15),
	I("优惠|多拿点|多要点|多拿一些|多拿些", AZI_INQUIRY, 15),
	K("优惠", AZK_HAGGLE, 10),
	I("po已|po已经|po发|发了po|订单已发|下一单|加一单|再下一单|下个订单", AZI_ORDER, 35),
	I("发了没|发没发|到了没|到哪了|到哪里了|什么时候能发|"
	  "什么时候能发货", AZI_DELIVERY, 20),
	I("啥时候发|啥时候到|啥时候能到|啥时候能发", AZI_DELIVERY, 30),
	I("喷漆|火焰处理|表面处理|丝印|移印", AZI_TECHNICAL, 25),
	I("合资|入股|邀请我们|邀请我司|邀请贵司|invite you|invite us|参与其", AZI_COOPERATION, 30),
	I("新年好|过年好|春节好|承蒙关照", AZI_OTHER, 30),
	I("回访客户|售后回访|跟踪回访|电话回访", AZI_AFTER_SALES, 35),
	/* claims for money back make a complaint serious */
	K("credit note|reimburse*|扣款|扣钱|赔付", AZK_THREAT, 10),
	/* a same-day need: 下午就要用, 今晚就要 */
	U("下午就要|上午就要|今晚就要|今天就要|中午就要|下午要用|上午要用|晚上要用|下午就得|"
	  "今晚要用|产线就要|线上等着", AZU_HIGH, 30),


	/* ---- regional and register variants (families, not sentences) ---- */
	/* Taiwan/Hong Kong business words: 品質 for 质量, 帳 for 账 (帳 folds to
	 * 帐), 請款/支票/票期, 急件; Cantonese negations 冇/唔 */
	I("品质问题|品质差|品质异常|品质投诉|品质不行|品质太差|品质不良|品质不稳|品质不稳定|"
	  "品质客诉|品质事故|瑕疵|瑕疵品|刮伤|刮花|脏污|异物|以次充好|缺斤少两|分量不足|重量不足|漏发|"
	  "敷衍|推脱|推卸|踢皮球|互相推|没诚意|没有诚意|不守信|说话不算数|不讲信用|食言|"
	  "一问三不知|态度恶劣|讨个说法|要个说法|拖拖拉拉|效率太低|效率低|太拖|不专业",
	  AZI_COMPLAINT, 30),
	S("品质问题|品质差|品质异常|品质投诉|品质不行|品质太差|品质不良|品质不稳|品质不稳定|"
	  "品质客诉|品质事故|瑕疵|瑕疵品|刮伤|刮花|脏污|以次充好|缺斤少两|分量不足|重量不足|漏发|"
	  "敷衍|推脱|推卸|踢皮球|互相推|没诚意|没有诚意|不守信|说话不算数|不讲信用|食言|"
	  "一问三不知|态度恶劣|讨个说法|要个说法|拖拖拉拉|效率太低|效率低|太拖", -18),
	I("帐期|帐款|应收帐款|对帐单|帐单|转帐|挂帐|欠帐|结帐|请款|请款单|支票|票期|开支票|"
	  "soa|statement of accounts", AZI_PAYMENT, 30),
	S("品质稳定|品质很好|品质不错|效率高|效率很高|很有效率", 15),
	U("急件|加急件|火烧眉毛|十万火急", AZU_HIGH, 30),
	K("冇|唔", AZK_NEG, 10),
	I("冇货|有冇|几钱|几多钱", AZI_INQUIRY, 25),
	/* English: negated-by-prefix moods, spec failures, end of day */
	I("dissatisfied|unsatisfied|dissatisfaction|out of spec|out-of-spec|off-spec|off spec|"
	  "below spec|below standard|non-conforming|nonconforming|non-conformance|ncr|rejection|"
	  "rejects|scratches|scratched|contamination|"
	  "unreliable|unprofessional|no response|no reply|nobody replied|no one replied|"
	  "still waiting|been waiting", AZI_COMPLAINT, 30),
	S("dissatisfied|unsatisfied|dissatisfaction|out of spec|out-of-spec|off-spec|off spec|"
	  "below spec|below standard|non-conforming|nonconforming|non-conformance|rejection|"
	  "unreliable|unprofessional|no response|no reply|nobody replied|no one replied|"
	  "still waiting|been waiting", -18),
	D("eod|end of day|end of business|cob|close of business|下班前|收工前", AZD_TODAY, 0),
	I("sds|coc|certificate of conformity|flammability|barrel temperature|injection pressure|"
	  "cycle time|drying time|processing window|mechanical data", AZI_TECHNICAL, 30),
	I("warpage|warping|sink marks|weld line*|flow marks", AZI_TECHNICAL, 25),
	I("b/l|awb|air waybill|airway bill|tracking number|out for delivery|booking|vessel booking",
	  AZI_DELIVERY, 25),
	I("newsletter|webinar|unsubscribe|press release", AZI_OTHER, 30),
	/* ---- cue families added after the blind dev5_corpus (e0001-e0225) ---- */
	/* order changes state what stays the same; order reviews, signed and
	 * repeat orders, English order confirmations */
	I("交期不变|交货期不变|数量不变|价格不变|其他不变|其余不变|条件不变|其他条款不变|"
	  "再下|再订|签订|签下|季度订单|年度订单|月度订单|订单评审|合同评审|口头确认|先暂停一下|"
	  "等通知再|go ahead with|first order|po will follow|will issue the po|will send the po|"
	  "send you the po|issue a po|same delivery date|as per the attached po", AZI_ORDER, 30),
	/* "再便宜点我们就下单", "测完没问题就下单": an order promised on a
	 * condition is still an inquiry */
	I("就下单|就会下单|就可以下单|就能下单|才下单|才能下单|才会下单", AZI_INQUIRY, 10),
	/* joint development, kick-offs */
	I("co-develop*|codevelop*|jointly develop*|develop together|joint venture|合作开发|"
	  "联合研发|共同研发|项目启动会|启动会", AZI_COOPERATION, 30),
	/* moulding verbs, drying, marking */
	I("mould*|mold*|dryer|dried|镭射|雷射|激光打标|打标|laser", AZI_TECHNICAL, 25),
	/* remittances */
	I("tt|telegraphic transfer|remitted|remit|bank slip|payment slip|swift copy", AZI_PAYMENT, 30),
	/* "did you receive ...": a check, not an availability question */
	K("有没有收到|是否收到|收到没有|收到没|收到了吗|did you receive|have you received|"
	  "checking if you received|check if you received", AZK_QUESTION, 10),
	/* complaints without 投诉: repeated excuses, broken assurances,
	 * reproaches, demanded apologies, faint damning, polite English */
	I("遍了|好几遍|又是明天|又是下周|又说|说没问题|说了没问题|保证没问题|说不会有问题|"
	  "结果还是|结果又|还是有|还是老样子|怎么搞的|怎么弄的|搞错了|弄错了|我要的是|我们要的是|"
	  "道歉|赔礼道歉|不太行|不怎么行|不咋地|不咋样|不怎么样|太不行|再这样|还这样|就不要了|"
	  "raise a concern|raise concerns|raise an issue|i'm afraid|i am afraid|held up|holding up|"
	  "happen again|incomplete|headache*|causing problems|causing issues|causing trouble|"
	  "mistake|mistakes|incorrect", AZI_COMPLAINT, 25),
	S("遍了|好几遍|又是明天|又是下周|说没问题|说了没问题|保证没问题|说不会有问题|结果还是|"
	  "结果又|还是老样子|怎么搞的|怎么弄的|搞错了|弄错了|道歉|赔礼道歉|不太行|不怎么行|不咋地|"
	  "不咋样|不怎么样|太不行|再这样|还这样|就不要了|raise a concern|raise concerns|"
	  "i'm afraid|i am afraid|held up|holding up|happen again|incomplete|headache*|"
	  "causing problems|causing issues|causing trouble|mistake|mistakes|incorrect", -15),
	S("还是有|呵呵", -10),
	I("到底|呵呵", AZI_COMPLAINT, 15),
	S("到底", -8),
	K("就不要了|就不用了|不再采购|不买了", AZK_THREAT, 10),
	K("引入|引进", AZK_SWITCH, 10),
	/* delivery: first lots, customs, trucks */
	I("先送|先送一批|customs|at the gate|truck|trucks|clearance", AZI_DELIVERY, 25),
	/* after-sales: guidance on site after a delivery */
	I("过去指导|来指导|上门指导|派技术员|技术员过去|技术员来", AZI_AFTER_SALES, 25),
	/* notices, surveys, small talk */
	I("放假|放假安排|节前|节后|正常上班|holiday schedule|office will be closed|closed for|"
	  "更名|new office|满意度调查|问卷|调查问卷|survey|questionnaire|"
	  "没谈业务|没聊业务|不谈业务|闲聊|闲谈|聊家常", AZI_OTHER, 30),
	/* mood words of visit reports; interest denied after the noun */
	S("融洽|气氛融洽|气氛很好|气氛不错|很支持|大力支持|非常支持|十分支持", 15),
	S("兴趣不大|意愿不大|意向不大|不感兴趣|没兴趣|没什么兴趣", -10),
	/* 满意度 is a noun (a survey, a rate), not a mood; a forgiving reader */
	K("满意度", AZK_BLOCK, 0),
	S("满意度较高|满意度很高|满意度高", 10),
	S("mistakes happen|things happen|no worries|no big deal", 6),
	/* "没问题就下单": a condition, not praise; 行不行: a question */
	K("没问题就|没问题的话|没有问题就|没问题后", AZK_BLOCK, 0),
	K("行不行|行吗|可不可行|好不好", AZK_QUESTION, 10),
	K("行不行|行吗|可不可行|好不好|有没有收到|是否收到|收到没有|收到没|收到了吗|"
	  "兴趣不大|意愿不大|意向不大|不感兴趣|没兴趣|没什么兴趣|mistakes happen|things happen|"
	  "no worries|no big deal", AZK_BLOCK, 0),	/* inherit nothing from 不行, 有没有 ... */
	/* e-mail pleasantries say nothing about the matter */
	K("hope you had a great|hope you are well|hope you're well|hope this email finds you well|"
	  "hope all is well|hope you are doing well|have a great weekend|have a nice day|"
	  "have a good day", AZK_BLOCK, 0),
	/* "合同今天发我": a request */
	K("发我|发给我|发给我们|给我发|给我们发|send me|send us", AZK_REQUEST, 10),
	/* ---- cue families added after the blind dev6_corpus (f0001-f0232):
	 * WeCom fragments, call notes, typos, sarcasm, Cantonese ---- */
	/* terse order fragments: 单已下, 这单先别发, 急单, 定单 (a common
	 * misspelling of 订单), "价格按上次/按报价单" (the price is settled: an
	 * order, not a price question) */
	I("那单|此单|该单", AZI_ORDER, 15),
	I("单已下|单下了|单已经下|单已经下了|单子已下|急单|加急单|定单|下定单|"
	  "撤了吧|撤掉|撤回订单|先别发|别发了|先不要发|先不发|暂时别发|等我通知|等通知|"
	  "价格按上次|价格按合同|价格按报价单|按报价单|按报价|按合同价|价格照旧|价格不变|"
	  "价格可以|价格ok|价格没问题|就按这个价|下个月的量|下月的量|这个月的量|本月的量|"
	  "先来|先拉|先下", AZI_ORDER, 30),
	K("价格按上次|价格按合同|价格按报价单|按报价单|按报价|按合同价|价格照旧|价格不变|"
	  "价格可以|价格ok|价格没问题|就按这个价", AZK_BLOCK, 0),
	S("价格可以|价格ok|价格没问题", 10),
	/* a price asked for in chat shorthand, prices that keep moving */
	I("这价|准价|实价|底价|一口价|给个价|给个准价|啥价格|价格呢|最低多少|最低能到|能到多少|"
	  "一天一个价|一天一个样|变来变去|说涨就涨", AZI_INQUIRY, 25),
	K("这价|准价|实价|底价|一口价|给个价|给个准价|最低多少|最低能到|能到多少|一天一个价|"
	  "一天一个样|变来变去|说涨就涨", AZK_HAGGLE, 10),
	S("一天一个价|一天一个样|变来变去|说涨就涨", -15),
	/* unreachable people, repeated asking, sarcastic praise of the
	 * supplier, reproaches for a broken promise */
	I("电话不接|微信不回|不回微信|消息不回|信息不回|不回信息|电话也不接|微信也不回|找了三天|"
	  "找了好几天|联系不上|联系不到|找不着人|问了好几次|"
	  "每天都在问|又来打扰|真的牛|真牛|可真牛|真是牛|可真行|真行啊|真有你的|"
	  "挺有创意|真有创意|真会玩|厉害了|我真的服了|真的服了|服了|服气|醉了|看着办|自己看着办|"
	  "这种事|出这种事|口头说|别再口头|倒垛|塌了|"
	  "报错了|报错价|算错|算错了|死不认账|不认账|耍赖|很被动|有些被动|还没消息|"
	  "没下文|又迟|又迟了|又晚了|又拖|又拖了|又改期|再拖|再拖就|骂了|骂人|"
	  "发火|发飙|情绪激动|火大|语气很冲|语气较差|语气差|只有上批|只有上一批|只有以前|"
	  "只有之前|只有原来|只有一半|解释下|解释解释", AZI_COMPLAINT, 30),
	S("电话不接|微信不回|不回微信|消息不回|信息不回|不回信息|电话也不接|微信也不回|找了三天|"
	  "找了好几天|联系不上|联系不到|找不着人|问了好几次|"
	  "每天都在问|又来打扰|真的牛|真牛|可真牛|真是牛|可真行|真行啊|真有你的|"
	  "挺有创意|真有创意|真会玩|厉害了|我真的服了|真的服了|服了|服气|醉了|看着办|自己看着办|"
	  "出这种事|还是一样|还是这样|这次还是|这次又|口头说|别再口头|倒垛|塌了|报错了|报错价|"
	  "算错了|死不认账|不认账|耍赖|很被动|有些被动|还没消息|没下文|又迟|又迟了|又晚了|又拖|"
	  "又拖了|又改期|再拖|再拖就|骂了|骂人|发火|发飙|情绪激动|火大|语气很冲|语气较差|语气差|"
	  "只有上批|只有上一批|只有一半", -18),
	K("看着办|自己看着办|再拖就", AZK_THREAT, 10),
	I("还是一样|还是这样|这次还是|这次又|倒了|被动|没消息|没有消息", AZI_COMPLAINT, 20),
	/* pressure words count the chasing; in a payment matter they are
	 * collection, not a complaint about the goods */
	K("天天催|天天问|第四次了|第五次了|第n次", AZK_DUN, 10),
	S("不影响使用|不影响生产", 5),
	/* "不是要追责", "非投诉": feedback, not a complaint */
	K("非投诉|不属于投诉|不作为投诉|不是要追责|不追责|不是追责|不是要索赔|不索赔|不是找茬|"
	  "不是来找茬", AZK_DISCLAIM, 10),
	I("非投诉|不属于投诉|不作为投诉|不是要追责|不追责|不是追责|不是要索赔|不索赔|"
	  "不影响使用|怎么处理|剩下的料", AZI_AFTER_SALES, 25),
	S("非投诉|不属于投诉|不作为投诉|不是要追责|不追责|不是追责|不是要索赔|不索赔", 0),
	/* a problem gone after a fix or a replacement: settled */
	K("试过了没问题|试了没问题|测试没问题|测了没问题|用了没问题|测试ok|试过ok|都正常|"
	  "一切正常|用起来都正常|使用正常|使用稳定|没问题了|ok了|正常了|恢复正常|没再出现|"
	  "没有再出现|银纹没了|黑点没了|问题没了|好多了", AZK_RESOLVED, 10),
	K("再也没出现|再也没有出现|再没出现|再也没发生|没再发生|再也没有发生", AZK_RESOLVED, 10),
	S("再也没出现|再也没有出现|再没出现|再也没发生|没再发生|再也没有发生", 12),
	I("再也没出现|再也没有出现|再没出现|再也没发生|没再发生|再也没有发生", AZI_AFTER_SALES, 20),
	/* a defect told in passing, with nothing demanded ("破了点 料没漏 没事
	 * 就是跟你说下", "下次补上就行", "no worries"): feedback, not a grievance */
	K("没事 就是|没事就是|没事,就是|没事 只是|没事,只是|没事的|不碍事|不要紧|就是跟你说下|"
	  "就是跟你说一下|就跟你说一声|跟你说一声|就是告诉你一声|就是提个醒|下次补上就行|补上就行|"
	  "补上就好|下次补就行|补过来就行|换一下就行|换掉就行|带过来就行|no worries|no big deal|"
	  "fine for us|fine with us|works for us", AZK_DISCLAIM, 10),
	/* a record without complaints is praise ("质量零投诉") */
	K("零投诉|零客诉|无投诉|无客诉|没有投诉|没有客诉|没有任何投诉|zero complaints|no complaints", AZK_BLOCK, 0),
	S("零投诉|零客诉|无投诉|无客诉|没有投诉|没有客诉|没有任何投诉|zero complaints|no complaints", 15),
	/* "希望以后继续由她对接": a wish to go on, not a reproach */
	K("希望以后继续|希望以后还|希望今后继续|希望继续", AZK_BLOCK, 0),
	S("希望以后继续|希望以后还|希望今后继续|希望继续", 8),
	/* the caller's manner noted in a call note ("态度还好", "语气平和"):
	 * calm, no grievance */
	K("态度还好|态度还可以|态度客气|态度很客气|态度还算客气|语气还算客气|语气客气|语气平和|语气还好|"
	  "态度平和|心平气和|态度还算配合|语气缓和|语气还可以", AZK_DISCLAIM, 10),
	/* formulas and no-objection words that are no praise: "Well received,
	 * thanks", "对目前供货没有意见", "其他没有问题", "找到解决办法" */
	K("well received|well noted|duly noted|noted with thanks|没有意见|没意见|无意见|其他没有问题|"
	  "其它没有问题|别的没有问题|其余没有问题|其他都没问题|其他都没有问题|解决办法|解决方法|"
	  "找到解决|想办法解决|如何解决", AZK_BLOCK, 0),
	S("well received|well noted|duly noted|noted with thanks|没有意见|没意见|无意见|其他没有问题|"
	  "其它没有问题|别的没有问题|其余没有问题|其他都没问题|其他都没有问题|解决办法|解决方法|"
	  "找到解决|想办法解决|如何解决", 0),
	/* a requirement not met, stated as a fact ("阻燃只到V1，达不到我们要求的
	 * V0"): a specification gap, mild unless anger comes with it */
	S("达不到我们要求|达不到我们的要求|没达到我们的要求|没达到我们要求|未达到我们的要求|未达到我们要求|"
	  "达不到我们", -10),
	I("达不到我们要求|达不到我们的要求|没达到我们的要求|没达到我们要求|未达到我们的要求|未达到我们要求|"
	  "达不到我们", AZI_TECHNICAL, 15),
	I("达不到我们要求|达不到我们的要求|没达到我们的要求|没达到我们要求|未达到我们的要求|未达到我们要求|"
	  "达不到我们", AZI_COMPLAINT, 15),
	/* worse than before ("这次的料比上次差远了", "一批不如一批"): a grievance */
	S("差远了|差太多了|差了很多|比上次差|比以前差|比上批差|不如上次|不如以前|不如上批|没以前好|"
	  "没上次好|没上批好|大不如前|一批不如一批|越来越差|worse than before|worse than last", -25),
	I("差远了|差太多了|差了很多|比上次差|比以前差|比上批差|不如上次|不如以前|不如上批|没以前好|"
	  "没上次好|没上批好|大不如前|一批不如一批|越来越差|worse than before|worse than last",
	  AZI_COMPLAINT, 30),
	/* the writer's own slip told the day after ("不好意思 昨天说错了 是要15吨") */
	K("昨天说错|刚才说错|刚说错|之前说错|前面说错|上次说错|刚才写错|刚写错|昨天写错|前面写错",
	  AZK_APOLOGY, 10),
	S("昨天说错|刚才说错|刚说错|之前说错|前面说错|上次说错|刚才写错|刚写错|昨天写错|前面写错", 0),
	/* someone else presses the writer ("我们财务在催了", "客户那边催得紧"),
	 * stress, neither our dunning nor a grievance */
	K("财务在催|财务催了|财务也在催|财务那边在催|财务一直在催|老板在催|领导在催|客户在催|客户催得紧|"
	  "那边催得紧|那边在催|上面在催", AZK_BLOCK, 0),
	S("财务在催|财务催了|财务也在催|财务那边在催|财务一直在催|老板在催|领导在催|客户在催|客户催得紧|"
	  "那边催得紧|那边在催|上面在催", 0),
	U("财务在催|财务催了|财务也在催|财务那边在催|财务一直在催|老板在催|领导在催|客户在催|客户催得紧|"
	  "那边催得紧|那边在催|上面在催", AZU_MEDIUM, 15),
	/* no hurry asked for: whatever the matter, the writer is calm */
	K("不急|不着急|不用急|不是很急|不太急|no rush|not urgent|no hurry", AZK_DISCLAIM, 10),
	/* consent to an arrangement noted ("送货改到周三，客户同意", "同意补发一包"):
	 * a fact of the matter, no glad mood */
	K("客户同意|客户已同意|客户也同意|客户表示同意|对方同意|对方已同意|同意补发|同意换货|"
	  "同意退货|同意退回|客户认可|客户也认可", AZK_BLOCK, 0),
	S("客户同意|客户已同意|客户也同意|客户表示同意|对方同意|对方已同意|同意补发|同意换货|"
	  "同意退货|同意退回|客户认可|客户也认可", 0),
	K("客户同意|客户已同意|客户也同意|客户表示同意|对方同意|对方已同意|客户认可|客户也认可",
	  AZK_ANSWERED, 10),
	/* trouble caused to the writer, said mildly ("让我们有点难办", "比较被动"),
	 * and a cold or evasive counterpart in a visit note */
	S("有点难办|很难办|不好办|比较难办|挺难办|为难|很为难|吃不消|"
	  "扛不住|比较被动|挺被动|态度冷淡|比较冷淡|很冷淡|流失风险|有流失|别催了|别老催|别再催|"
	  "not satisfied|not pleased", -15),
	K("有点难办|很难办|不好办|比较难办|挺难办|为难|很为难|吃不消|"
	  "扛不住|比较被动|挺被动|态度冷淡|比较冷淡|很冷淡|流失风险|有流失|别催了|别老催|别再催|"
	  "not satisfied|not pleased", AZK_MOODONLY, 10),
	/* "别催了": the debtor asks us not to press -- no time pressure of the
	 * customer's (not the urgency of 催了), no complaint vote of 催了 */
	U("别催了|别老催|别再催", AZU_LOW, 10),
	I("别催了|别老催|别再催", AZI_COMPLAINT, 0),
	/* a fault repeated */
	K("第二次了|第三次了|又一次|每次都|每次到货都|third time|second time|"
	  "3rd time|2nd time|every time|once again", AZK_REPEAT, 10),
	/* a wait that has gone on ("发票一直没收到，已经一个月了", "都说了好几天了",
	 * "退货都签收半个月了"): a grievance like a fault repeated */
	K("好几天了|好多天了|两天了|三天了|四天了|五天了|一周了|两周了|一个星期了|两个星期了|"
	  "半个月了|一个月了|一个多月了|两个月了|几个月了|好久了|很久了|这么久了|都说了|说了好几次|"
	  "说了几次|提了好几次|for weeks|for a month|still waiting", AZK_REPEAT, 10),
	/* praise of speed in chat words ("这次到货挺快的", "响应真快") */
	S("挺快|挺快的|蛮快|蛮快的|真快|好快|够快|quick delivery|fast delivery|arrived quickly", 15),
	/* letter formulas that open or close a mail: no mood of their own */
	K("hope this email finds you well|hope this mail finds you well|hope this message finds you well|"
	  "hope you are well|hope you are doing well|hope all is well|glad to hear from you|"
	  "期待您的回复|期待你的回复|期待回复|期待您的早日回复|期待您的光临|期待与您见面|期待您的来访|"
	  "如有疑问欢迎|欢迎随时联系|欢迎随时联络|欢迎来电|欢迎垂询|欢迎咨询|欢迎索取|欢迎来电咨询|"
	  "很高兴收到您的来信|很高兴收到你的来信", AZK_BLOCK, 0),
	S("hope this email finds you well|hope this mail finds you well|hope this message finds you well|"
	  "hope you are well|hope you are doing well|hope all is well|glad to hear from you|"
	  "期待您的回复|期待你的回复|期待回复|期待您的早日回复|期待您的光临|期待与您见面|期待您的来访|"
	  "如有疑问欢迎|欢迎随时联系|欢迎随时联络|欢迎来电|欢迎垂询|欢迎咨询|欢迎索取|欢迎来电咨询|"
	  "很高兴收到您的来信|很高兴收到你的来信", 0),
	/* "希望后续改善": an improvement hoped for, a mild reproach */
	K("希望后续改善|希望改善|希望改进|希望后续改进|希望加强|希望以后改进|希望能改善", AZK_BLOCK, 0),
	S("希望后续改善|希望改善|希望改进|希望后续改进|希望加强|希望以后改进|希望能改善", -5),
	S("银纹没了|黑点没了|问题没了|没问题了|正常了|恢复正常|没再出现|没有再出现", 12),
	I("上月投诉|上个月投诉|之前投诉|前期投诉|投诉的|换货的|补发的|换的货|补的货|退货单|"
	  "退货单号|退货申请|退货流程|补偿方案|补偿|折让", AZI_AFTER_SALES, 40),
	S("上月投诉|上个月投诉|之前投诉|前期投诉|投诉的", 0),
	/* documents and spec questions */
	I("ul黄卡|黄卡|文件号|ul编号|ul号|sgs|sgs报告|第三方报告|能不能过|能过吗|缩水率|"
	  "熔接线|按你们的建议|按您的建议|"
	  "按照你们的建议|processing guide|processing parameters|processing tips|guideline*|"
	  "料的问题还是|还是模具|还是模具问题|还是工艺问题", AZI_TECHNICAL, 30),
	K("料的问题还是|还是模具|还是模具问题|还是工艺问题", AZK_CAUSEQ, 10),
	I("能不能做到|能否做到|能做到|能达到|能不能达到", AZI_TECHNICAL, 20),
	/* payment slang and Cantonese: 钱/数 for money, 发漂 for 发票 */
	I("钱的事|钱到|钱已|钱下周|钱一定|钱还没|钱打|打钱|给钱|付钱|要钱|钱呢|嘅数|数未过|"
	  "数仲未|没扣|未扣|抵扣|再核|核一下|发漂|发飘|开漂", AZI_PAYMENT, 30),
	I("那笔|这笔", AZI_PAYMENT, 15),
	I("钱", AZI_PAYMENT, 12),
	/* pick-ups, earlier deliveries */
	I("自提|来提货|带车|来车|提前到|提前送|提前发|提前交|能不能提前", AZI_DELIVERY, 30),
	I("的车", AZI_DELIVERY, 20),
	/* long-term and joint work, second sources */
	I("框架协议|年度框架|合作协议|战略合作协议|代理协议|经销协议|联合实验室|"
	  "应用开发|派驻|驻厂|second supplier|second source|dual source|2nd supplier",
	  AZI_COOPERATION, 40),
	/* notices about the writer's own details, favours for friends, wrong
	 * group */
	I("手机号|手机号码|电话号码|新号码|原号码|号码变更|号码已更换|手机号已更换|请惠存|惠存|"
	  "联系方式变更|电话变更|原号码停用|name change|changed our name|company name|"
	  "update your records|发错群|发错了群|发错人|发错消息|打错了", AZI_OTHER, 40),
	I("我朋友|帮朋友|朋友要|朋友想", AZI_OTHER, 25),
	K("发错群|发错了群|发错人|发错消息|号码已更换|手机号已更换", AZK_BLOCK, 0),
	U("请惠存|惠存|update your records|please update your records", AZU_LOW, 30),
	/* disclaimers under a signature: their "immediately" is boilerplate */
	K("notify the sender immediately|please notify the sender|immediately delete|"
	  "立即通知发件人|请立即通知|立即删除|请立即删除|并立即删除", AZK_BLOCK, 0),
	/* price grumbles (still haggling), irritation, hints */
	S("嫌贵|嫌太贵|嫌价格高|嫌价高|抢钱|宰人|坑人|太黑了|??", -18),
	S("你懂的|原因你懂的", -10),
	K("嫌贵|嫌太贵|嫌价格高|嫌价高|抢钱|宰人|坑人", AZK_HAGGLE, 10),
	K("??", AZK_QUESTION, 10),
	/* settled with thanks, invitations between friends */
	K("就算结了|这事就算结了|这事结了|到此为止", AZK_RESOLVED, 10),
	S("就算结了|这事就算结了|这事结了|测试ok|试过ok|测试没问题|试了没问题|用起来都正常|"
	  "钓鱼|打球|来玩|来玩啊|一起吃饭|约饭|吃个饭|喝一杯|注意安全", 12),
	/* friendly small talk between acquaintances is a warm note; a mass
	 * notice (a survey, an announcement, an advert) is not a mood */
	S("叙旧|好久没聚|聚一聚|聚聚|来坐坐|记得来坐坐|注意保暖|注意身体|多保重|"
	  "season's greetings|prosperous", 12),
	S("满意度调查|满意度问卷|pleased to announce|欢迎来电咨询|欢迎来电|欢迎咨询|欢迎致电", 0),
	/* an apology for a delay is not a complaint about one */
	K("sorry for the delay|apologies for the delay|sorry for the late|抱歉久等|久等了|"
	  "抱歉晚了|不好意思晚了", AZK_BLOCK, 0),
	S("sorry for the delay|apologies for the delay|sorry for the late|抱歉久等|久等了|"
	  "抱歉晚了|不好意思晚了", 5),
	/* dunning: still not settled */
	K("未结清|仍未结清|尚未结清|再次提醒|再次催|第二次催|还欠|仍欠|尚欠", AZK_DUN, 10),
	S("未结清|仍未结清|尚未结清|再次提醒|再次催|第二次催", -15),
	I("未结清|仍未结清|尚未结清|还欠|仍欠|尚欠", AZI_PAYMENT, 30),
	/* chat imperatives without 请: 改一下, 发一下, 核下, 这周别送 */
	K("改一下|改下|发一下|发下|给一下|给下|安排一下|安排下|核一下|核下|回一下|处理一下|处理下|"
	  "寄一下|别送|别发|先别送|补发一下|补发下|先发一下|重发一下|再发一下|重新发一下", AZK_REQUEST, 10),
	K("哪了|到哪", AZK_QUESTION, 10),
	/* a truck at the gate, an audit or a bid tomorrow */
	U("车已经在|车已到|车在门口|车到门口|已经在门口了|在门口等着|车在等|司机在等|等着卸货|"
	  "等着装货|在等卸货|在等装货", AZU_HIGH, 30),
	D("tmr|tmrw|2moro", AZD_TOMORROW, 0),
	K("audit|审厂|验厂|来审|审核|招标|投标|开标", AZK_NEED, 10),
	/* threats in polite English, contracts not renewed */
	K("review our supplier list|review our supplier base|reconsider our supplier*|"
	  "re-evaluate our|合同就不续了|不续了|不续约|不再续约|不再续签", AZK_THREAT, 10),
	I("review our supplier list|review our supplier base|reconsider our supplier*|"
	  "合同就不续了|不续了|不续约|不再续约|不再续签", AZI_COMPLAINT, 30),
	S("review our supplier list|review our supplier base|reconsider our supplier*|"
	  "合同就不续了|不续了|不续约|不再续约|不再续签", -15),
	/* visit reports: "下一步" is our own plan, not the customer's deadline */
	K("下一步|next step|next steps|后续安排", AZK_SELF, 10),
	/* the writer promises a reply: "我整理下周四前回你" */
	K("回你|回复你|答复你|给你回复|给你答复|get back to you", AZK_SELF, 10),
	/* Cantonese tomorrow; out of material */
	D("听日", AZD_TOMORROW, 0),
	U("冇料|冇料用|没料用|快断料", AZU_HIGH, 30),
	/* claims stated as a cost to bear or a loss to settle, and legal steps */
	K("损失怎么算|损失谁承担|谁来承担|你们得出|费用你们出|维修费你们|要求我们承担|"
	  "法律程序|走法律|法律途径|律师函|with immediate effect|suspending all orders", AZK_THREAT, 10),
	I("损失怎么算|损失谁承担|谁来承担|你们得出|费用你们出|维修费你们|要求我们承担", AZI_COMPLAINT, 20),
	S("损失怎么算|损失谁承担|谁来承担|你们得出|费用你们出|维修费你们|要求我们承担", -15),
	/* the customer's own customer sends everything back */
	K("货全退了|全退了|全部退回|整批退回|整批退了", AZK_THREAT, 10),
	/* plain chat verdicts on quality or service */
	I("越来越差|蜗牛|搵唔到人|找不到人|联系不上|唔覆|又没动静|没动静", AZI_COMPLAINT, 25),
	S("越来越差|蜗牛|搵唔到人|找不到人|联系不上|唔覆|又没动静|没动静", -15),
	/* settled or accepted: "不过能用 先这样吧", "改了浇口 好了 谢谢" */
	K("先这样吧|就这样吧|不过能用|还能用|现在好了|已经好了|好了 谢谢|好了谢谢", AZK_RESOLVED, 10),
	/* real praise of help */
	S("太管用了|很管用|管用|处理得很专业|处理得很好|处理得很及时|很专业|唔该晒|多谢晒", 15),
	/* a formula, not praise */
	K("thanks for your patience|thank you for your patience|感谢您的耐心|感谢耐心", AZK_BLOCK, 0),
	/* a car at the gate waits now */
	U("司机到门口|到门口了|在门口了|车到了", AZU_HIGH, 25),
	/* ---- open classes of the dev7 corpus (families, not sentences) ---- */
	/* a sentence-final 吧 turns a chat line into a request ("分批送吧",
	 * "订单取消吧"); the weight below 10 tells the scorer to count it only
	 * at the end of a clause or fragment.  Assent, resignation and tag
	 * questions ending in 吧 are not requests. */
	K("吧", AZK_REQUEST, 5),
	K("好吧|行吧|算了吧|不会吧|没事吧|了吧|的吧|吧台|酒吧|网吧", AZK_BLOCK, 0),
	K("对吧|是吧", AZK_QUESTION, 10),
	/* pausing or holding an order is an action to take */
	K("先暂停|暂停一下|停一下|先停|先停下|先缓一缓|先缓缓|hold the po|hold our po", AZK_REQUEST, 10),
	I("订单取消|这单取消|那单取消|单子取消|取消这单|取消那单|取消这个订单|push the po|"
	  "push po|push our po|postpone the po|postpone po|订单推迟|订单延后|单子推迟|单子延后",
	  AZI_ORDER, 30),
	/* farewell formulas: "下次有机会再合作" closes a matter, it is not a
	 * cooperation proposal */
	K("下次有机会再合作|有机会再合作|下次再合作|以后有机会再合作|有机会再|下次有机会", AZK_BLOCK, 0),
	/* the writer's own slip ("不好意思发错了", "my mistake"): an apology, not
	 * wrong goods from us */
	I("不好意思发错|发错了不好意思|抱歉发错|不好意思打错|不好意思搞错|不好意思弄错|我发错|我搞错|"
	  "我弄错|我写错|我看错|我算错|我记错|我说错|是我搞错|是我弄错|是我的错|my mistake|my bad|"
	  "my fault|sorry wrong", AZI_OTHER, 15),
	/* apologies for trouble caused by the writer */
	K("sorry for the trouble|sorry for the inconvenience|apologies for the inconvenience|"
	  "sorry about that|添麻烦了|给你们添麻烦|给您添麻烦", AZK_BLOCK, 0),
	S("sorry for the trouble|sorry for the inconvenience|apologies for the inconvenience|"
	  "sorry about that|添麻烦了|给你们添麻烦|给您添麻烦", 3),
	/* the writer apologises ("不好意思，订单先暂停", "Sorry for the inconvenience",
	 * "抱歉 发错群了"): its own news told politely -- neither a glad mood nor
	 * a grievance; "不好意思打扰一下" only opens a message */
	K("不好意思|抱歉|致歉|sorry for|apologi*|敬请谅解|请谅解|敬请见谅|请见谅|不便之处|"
	  "sorry for the delay|apologies for the delay|sorry for the late|抱歉久等|抱歉晚了|不好意思晚了|"
	  "sorry for the trouble|sorry for the inconvenience|apologies for the inconvenience|"
	  "sorry about that|添麻烦了|给你们添麻烦|给您添麻烦|"
	  "不好意思发错|发错了不好意思|抱歉发错|不好意思打错|不好意思搞错|不好意思弄错|"
	  "my mistake|my bad|my fault|sorry wrong", AZK_APOLOGY, 10),
	S("不好意思|抱歉|致歉|sorry for|apologi*|敬请谅解|请谅解|不便之处|"
	  "不好意思发错|发错了不好意思|抱歉发错|不好意思打错|不好意思搞错|不好意思弄错|"
	  "my mistake|my bad|my fault|sorry wrong", 0),
	K("不好意思打扰|不好意思打扰一下|抱歉打扰|抱歉打扰一下|sorry to bother|sorry to trouble", AZK_BLOCK, 0),
	/* a consequence that would follow ("不然停线", "otherwise the line stops") */
	K("不然|要不然|否则|otherwise|or else", AZK_COND, 10),
	/* "核过了 没问题 可以开票": a check passed and a go-ahead, not praise */
	K("没问题 可以|没问题可以|没问题,可以|核对无误|核过了", AZK_BLOCK, 0),
	K("没问题|没有问题|无误|确认无误|核对无误|没问题 可以|没问题可以|没问题,可以", AZK_CHECKOK, 10),
	/* a need for the goods to arrive: "今天必须到", "明天一定要到厂" */
	I("必须到|必须送到|必须到厂|一定要到|务必送到|务必到|要到货|必须发货|今天必须发", AZI_DELIVERY, 25),
	U("今天必须到|今天必须送到|今天必须发|今天必须发货", AZU_HIGH, 30),
	I("今天必须到|今天必须送到|今天必须发|今天必须发货", AZI_DELIVERY, 25),

	/* ---- intent families added after the blind dev8 corpus (h0001-h0162) ---- */
	/* a lot refused or a fix that did not help: a complaint, not a
	 * processing question ("这批先不用了", "按你们说的做了 还是不行") */
	I("还是不行|还是没用|照样不行|先不用了|不敢用|到现在都没|没落实|还没落实|"
	  "third shipment|second shipment|cannot continue|can't continue|again above|again below",
	  AZI_COMPLAINT, 30),
	I("repeated|recurring|yet again|keeps happening", AZI_COMPLAINT, 25),
	S("repeated|recurring|yet again|keeps happening", -10),
	S("还是不行|还是没用|照样不行|先不用了|不敢用|到现在都没|没落实|还没落实|"
	  "third shipment|second shipment|cannot continue|can't continue|again above|again below", -15),
	/* a past quality problem referred to ("上次质量问题的补偿方案", "上次质量问题
	 * 处理得很专业"): a follow-up, not a new complaint */
	I("上次质量问题|上次的质量问题|之前的质量问题|之前质量问题|上回质量问题", AZI_AFTER_SALES, 30),
	S("上次质量问题|上次的质量问题|之前的质量问题|之前质量问题|上回质量问题", 0),
	I("例行回访|定期回访", AZI_AFTER_SALES, 35),
	/* a fix suggested by us: a processing matter */
	I("按你们建议|按您建议|按你们的方法|照你们的建议", AZI_TECHNICAL, 30),
	I("能过ul|能过v0|能过5va|能过v-0|能不能过ul|pass ul", AZI_TECHNICAL, 30),
	/* the price asked about, on a condition or still the old one: an inquiry */
	I("能做的话|做得到的话|能给的话|这个价能做|做不了就算|老价格还|老价还|还是老价|能维持吗|还能维持",
	  AZI_INQUIRY, 30),
	K("能做的话|做得到的话|能给的话|这个价能做|做不了就算|老价格还|老价还|还是老价|能维持吗|还能维持",
	  AZK_HAGGLE, 10),
	/* working on something together, long contracts, joint bids */
	I("一起报|一起出个方案|一起出方案|一起做个方案|一起开发|一起申报|联合申报|共同申报|牵头|"
	  "长约|签三年|三年的协议|三年长约|两年的协议|长单", AZI_COOPERATION, 30),
	/* an order for a month or the last one of the year; signed receipts */
	I("月订单|月份订单|最后一单|交期提前|交期推迟|交期延后|改交期", AZI_ORDER, 30),
	I("单子签了|签收单|签收了|签回单|回单", AZI_DELIVERY, 30),
	/* where and when goods may be dropped */
	I("别送|再送|不要送|以后再送|发新厂|送新厂|发到新厂|送到新厂|新厂地址|发老厂|送老厂|只收到",
	  AZI_DELIVERY, 30),
	/* "你们自己看看怎么办": the problem handed back to us, a reproach */
	I("你们自己看看|自己看看怎么办|你们看怎么办|看怎么办吧|怎么办吧", AZI_COMPLAINT, 30),
	S("你们自己看看|自己看看怎么办|你们看怎么办|看怎么办吧|怎么办吧", -15),
	K("你们给个|给我们个|给个合理|给个方案", AZK_REQUEST, 10),
	/* marketing from service sellers */
	I("专线到|物流专线|我们专线|诚招|招商加盟|加盟", AZI_OTHER, 30),

	/* ---- cue families added after the blind dev9 corpus (i0001-i0189) ---- */
	/* unsolicited marketing and job seekers: nothing to do with a sale */
	I("退订|回t退订|退订回t|unsubscribe", AZI_OTHER, 80),
	I("欢迎来电咨询|网站排名|网站优化|seo优化|加微信了解|free quote", AZI_OTHER, 35),
	I("招不招|还招人|招人吗|在招人|招工|找工作|工作机会", AZI_OTHER, 40),
	K("请笑纳|敬请笑纳|笑纳|敬请见谅|请见谅|敬请谅解|请谅解", AZK_BLOCK, 0),
	/* asking for a quote in other words ("请报价钱", "你们报的…含运费吧") */
	I("请报|麻烦报|帮忙报|报一个价|各报一个|各报个|含运费|"
	  "不含运费|含不含运费|含税吗", AZI_INQUIRY, 25),
	K("请报关|请报备|请报销|请报告", AZK_BLOCK, 0),
	I("接受不了", AZI_COMPLAINT, 20),
	S("接受不了", -15),
	K("价格接受不了|价接受不了|价我们接受不了|价格我们接受不了|才卖|的料才|人家才|他们才", AZK_HAGGLE, 10),
	/* goods spilt, short or scrapped, a change of recipe suspected: blame */
	I("撒出来|撒了一地|漏料|漏出来|实到|实收|只到了|废了|白干了|又换配方|换配方了|改配方了|"
	  "是不是又换|是不是换了|偷偷换|这样怎么收|让我们怎么|叫我们怎么|这怎么用", AZI_COMPLAINT, 30),
	S("撒出来|撒了一地|漏料|漏出来|废了|白干了|又换配方|换配方了|改配方了|是不是又换|偷偷换|"
	  "这样怎么收|让我们怎么|叫我们怎么|这怎么用", -15),
	I("wrong invoice|incorrect invoice|invoice is wrong|invoice was wrong|correct and reissue|"
	  "wrong amount|incorrect amount", AZI_COMPLAINT, 35),
	/* leaving us for good: a threat to switch suppliers */
	K("不会再从你们|不再从你们|不会再找你们|不会再跟你们|再也不订|再也不买|不会再订|不会再买",
	  AZK_THREAT, 10),
	I("不会再从你们|不再从你们|不会再找你们|不会再跟你们|再也不订|再也不买|不会再订|不会再买",
	  AZI_COMPLAINT, 40),
	S("不会再从你们|不再从你们|不会再找你们|不会再跟你们|再也不订|再也不买|不会再订|不会再买", -20),
	/* not blaming us, asking how to adjust: a processing question */
	K("不是说你们|不是怪你们|不怪你们|不是说料不好|不是客诉|这不是客诉|并非客诉|不算客诉|"
	  "not blaming", AZK_DISCLAIM, 10),
	K("要不要加|是不是要加|需不需要加|要不要调|是不是要调|提一点试试|降一点试试", AZK_CAUSEQ, 10),
	I("支援|技术支援|温度再|调高温度|调低温度|提高温度|降低温度", AZI_TECHNICAL, 20),
	K("请报|麻烦报|帮忙报", AZK_REQUEST, 10),
	/* returned or replaced goods, warranty, commissioning visits */
	I("换过来|换回来的|换过的|换货的|退的那|退的货|退回来的|退回的|质保期内|保修期内|"
	  "安装调试|现场指导", AZI_AFTER_SALES, 30),
	K("退款已收到|退款收到了|已收到退款|refund received|无其他问题|没有其他问题|按原计划执行",
	  AZK_RESOLVED, 10),
	/* orders signed, amended or rescheduled */
	I("用印|已用印|盖好章|盖好了章|原订|increase po|increase the po|increase our po|"
	  "increase the order|increase our order|reduce the po|reduce our order|amend the po|"
	  "revise the po|change the po", AZI_ORDER, 35),
	I("送完|发完|交完|送齐|发齐", AZI_DELIVERY, 25),
	K("原订|推迟到|延到|延后到|顺延到|postpone*|reschedul*|push back|pushed back", AZK_RESCHED, 10),
	K("same price|same pricing|at the same price|价格不变|价格照旧", AZK_BLOCK, 0),
	/* a stake on a date: the date is a deadline */
	K("holding up|held up|is blocking|blocks our", AZK_NEED, 10),
	K("想要几份|想要一份|想要些|想要一些|想索取|索取", AZK_REQUEST, 10),
	/* service on site after a sale */
	I("巡检|现场巡检|上门服务|现场服务|驻厂|驻场", AZI_AFTER_SALES, 30),
	/* doing something together, supplying for the long run, a pricing
	 * mechanism for a framework: cooperation */
	I("一起做|一起搞|长期供应|稳定供应", AZI_COOPERATION, 30),
	I("价格按季度|价格按月度|按季度调价|按季度调|随行就市|价格联动|调价机制|联动定价", AZI_COOPERATION, 20),
	/* can you match (a competitor's price): haggling */
	I("能不能跟|能跟上吗|跟不跟得上", AZI_INQUIRY, 15),
	K("能不能跟|能跟上吗|跟不跟得上", AZK_HAGGLE, 10),
	S("收到👍|收到 👍|👍收到|👍 收到", 0),
	/* outrage at a price is a negative mood even while haggling */
	S("太狠了|是认真的吗|开玩笑吧|are you serious|you must be joking", -20),
	/* carriers advertising */
	I("低至|整车零担|全国直达|城直达", AZI_OTHER, 30),
	/* paying in parts or later */
	I("分两次付|分期付|分批付|付一半|资金紧|资金紧张|手头紧", AZI_PAYMENT, 30),
	/* urgency: material running out, "尽速"; a form's urgency field */
	U("尽速|从速|run out of material|runs out of material|running out of material|"
	  "will run out|line will stop", AZU_HIGH, 30),
	U("no immediate hurry|no immediate rush|not immediately urgent|no immediate urgency", AZU_LOW, 30),
	K("紧急程度", AZK_BLOCK, 0),
	U("紧急程度：高|紧急程度:高|紧急程度：紧急|紧急程度:紧急|紧急程度：急|紧急程度:急", AZU_HIGH, 30),
	U("紧急程度：低|紧急程度:低|紧急程度：不急|紧急程度:不急", AZU_LOW, 30),
	K("紧急程度：一般|紧急程度:一般|紧急程度：普通|紧急程度:普通", AZK_BLOCK, 0),
	/* "要到我们这": we are where it goes, not who acts */
	K("到我们这|到我们这里|到我们这边|到我们手上|到我们手里", AZK_BLOCK, 0),

	/* ---- cue families added after the blind dev10 corpus (j0001-j0113) ---- */
	/* "这个怎么解释", "作何解释": a demand for an explanation is a reproach;
	 * a measured value below the stated one is a quality grievance */
	I("怎么解释|如何解释|作何解释|怎么交代|如何交代|怎么跟我们交代|标称的一半|"
	  "只有标称|低于标称|达不到标称|不到标称|和标称|与标称|跟标称|how do you explain|"
	  "please explain why", AZI_COMPLAINT, 30),
	S("怎么解释|如何解释|作何解释|怎么交代|如何交代|怎么跟我们交代|标称的一半|只有标称|"
	  "低于标称|达不到标称|不到标称|how do you explain|please explain why", -15),
	/* "打电话也没人接", "消息也不回": nobody answers */
	I("没人接|也没人接|没有人接|没人回复|都不回|也不回|不回话|不吭声|没回音|石沉大海|"
	  "什么意思|啥意思|几个意思", AZI_COMPLAINT, 25),
	S("没人接|也没人接|没有人接|没人回复|都不回|也不回|不回话|不吭声|没回音|石沉大海|"
	  "什么意思|啥意思|几个意思", -15),
	/* a shortfall counted: "少了两包", "实际38包", "short by 2 bags" */
	I("少了|实际只有|实际只|实际到|短少了|short by|missing", AZI_COMPLAINT, 20),
	I("少了两|少了一|少了几|少两包|少一包|少两袋|少一袋|少两箱|少一箱|缺了两|缺了一|短了两|短了一|"
	  "差了两包|差了一包", AZI_COMPLAINT, 45),
	/* a settled claim or a complaint handled to the customer's
	 * satisfaction: a follow-up, not a new claim */
	I("上次索赔|之前的索赔|前期索赔|索赔处理|索赔的处理|理赔处理|索赔结果|理赔结果|赔偿款|赔款|"
	  "赔偿金|理赔款", AZI_AFTER_SALES, 40),
	S("上次索赔|之前的索赔|前期索赔|索赔处理|索赔的处理|理赔处理|索赔结果|理赔结果|赔偿款|赔款|"
	  "赔偿金|理赔款", 0),
	U("上次索赔|之前的索赔|前期索赔|索赔处理|索赔的处理|理赔处理|索赔结果|理赔结果|赔偿款|赔款|"
	  "赔偿金|理赔款", AZU_MEDIUM, 0),
	K("对处理结果满意|处理结果满意|处理满意|处理得满意|赔偿款已到账|赔款已到账|赔偿已到账|"
	  "赔偿款已收到|赔款已收到|赔付已到账|补偿已到账|客户表示理解|表示理解|客户接受了|客户已接受|"
	  "已解释清楚|解释清楚了|已作解释|已解释", AZK_RESOLVED, 10),
	/* the customer's own project or plan moved: news, not a grievance */
	K("项目推迟|项目延期|项目延后|项目往后推|项目推后|计划推迟|"
	  "计划延后|project delayed|project postponed|project on hold|project was postponed",
	  AZK_BLOCK, 0),
	/* pausing or cancelling an order is an order change, not a mood */
	S("订单先暂停|暂停订单|订单暂停|先暂停|先暂停一下|暂停一下|订单取消|取消订单|这单取消|订单取消吧",
	  0),
	/* an address given wrongly or changed: a delivery matter */
	I("地址错了|地址发错|发的地址|改地址|地址改成|地址改为|更改地址|更改收货|更改送货",
	  AZI_DELIVERY, 35),
	/* when will it arrive, in other words */
	I("什么时候可以到|什么时候会到|何时到|何时能到|何时可到|何时发|何时发货|几时到|几时能到|"
	  "几时发|大概什么时候到|可以到|什么时候可以发|什么时候可以送|when can you ship|"
	  "when will you ship|when can we expect", AZI_DELIVERY, 30),
	/* food contact and regulatory questions are documents, not a sale */
	I("食品级|食品接触|fda|lfgb|医疗级|reach报告|rohs报告|符合fda|通过fda", AZI_TECHNICAL, 30),
	/* asking whether a processing setting is right: a technical question
	 * even when a defect is named */
	K("够不够|够吗|是否足够|是不是不够|合适吗|多少合适|怎么设|怎么设置|如何设置|设多少|"
	  "要不要提高|要不要降低|is it enough|is that enough|what setting", AZK_CAUSEQ, 10),
	I("够不够|是否足够|多少合适|怎么设|怎么设置|如何设置|设多少", AZI_TECHNICAL, 15),
	/* chat imperatives in billing and logistics: 开个专票, 给我一下, 备注一下 */
	K("开个|开张|开一张|开一下|给我一下|给我下|发我一下|备注一下|备注下|注明一下|写一下|"
	  "盼能|盼贵司|期盼", AZK_REQUEST, 10),
	/* serious: the customer's own customer has sent the goods back; "就换
	 * 巴斯夫": switching to a named competitor */
	K("客户已经退货|客户已退货|客户退货了|客户都退货|客户把货退|客户全退|客户退回来|终端退货|"
	  "终端客户退货|our customer returned|customer has returned", AZK_THREAT, 10),
	K("就换|换用|改换|换到|就用", AZK_SWITCH, 10),
	/* ---- second dev10 batch (j0114-j0163): longer mails, glad and grumbling
	 * customers ---- */
	/* a problem grown smaller after a fix: improvement feedback, a glad
	 * after-sales note ("黑点明显少了", "缩痕基本没了", "继续保持") */
	K("明显少了|少了很多|少多了|基本没了|基本没有了|基本消失|明显减少|明显改善|改善明显|大有改善|"
	  "好转|比上次好多了|比上批好多了|比之前好多了|比以前好多了", AZK_RESOLVED, 10),
	I("明显少了|少了很多|少多了|基本没了|基本没有了|基本消失|明显减少|明显改善|改善明显|大有改善|"
	  "比上次好多了|比上批好多了|比之前好多了|比以前好多了", AZI_AFTER_SALES, 25),
	S("明显少了|少了很多|少多了|基本没了|基本没有了|基本消失|明显减少|明显改善|改善明显|大有改善|"
	  "好转|比上次好多了|比上批好多了|比之前好多了|比以前好多了", 15),
	S("继续保持|保持下去|keep it up|keep up the good work", 15),
	/* our engineer came and fixed it on site: after-sales service */
	I("技术过来|工程师过来|你们技术来|过来调|来调试|上门调|现场调|现场解决|现场解决了|现场调整",
	  AZI_AFTER_SALES, 35),
	/* a small matter, a replacement asked for: after-sales feedback */
	K("不算大问题|不是大问题|不算什么大问题|不是什么大问题|小问题而已", AZK_DISCLAIM, 10),
	S("不算大问题|不是大问题|不算什么大问题|不是什么大问题|小问题而已", 5),
	I("换两包|换一包|换几包|换两袋|换一袋|帮忙换|给我们换|换一批", AZI_AFTER_SALES, 30),
	/* quality or counts that vary and burden the customer */
	I("波动大|波动比较大|波动很大|波动太大|波动较大|反复调|来回调|一批一个样|批次差异|批间差异|"
	  "跟实际|与实际不符|和实际不符|实际对不上|过磅只有|过磅少|磅差|"
	  "真不知道你们|不知道你们怎么|怎么做质检|怎么做的质检|怎么检验的|怎么把关|深一块浅一块|"
	  "一块深一块浅|颜色不均|不好意思给客户|没法给客户|没脸|"
	  "等了一个礼拜|等了半个月|等了两周|等了十天|都等了|等了这么久|等这么久|"
	  "涨得太快|涨太快|涨得太狠|涨这么快|怎么跟客户交代|怎么向客户交代|"
	  "second delay|third delay|another delay|impatient|losing patience|running out of patience",
	  AZI_COMPLAINT, 35),
	S("波动大|波动比较大|波动很大|波动太大|波动较大|反复调|来回调|一批一个样|"
	  "与实际不符|和实际不符|实际对不上|过磅只有|"
	  "真不知道你们|不知道你们怎么|怎么做质检|怎么做的质检|怎么检验的|怎么把关|深一块浅一块|"
	  "一块深一块浅|颜色不均|不好意思给客户|没法给客户|没脸|"
	  "等了一个礼拜|等了半个月|等了两周|等了十天|都等了|等了这么久|等这么久|"
	  "涨得太快|涨太快|涨得太狠|涨这么快|怎么跟客户交代|怎么向客户交代|"
	  "second delay|third delay|another delay|impatient|losing patience|running out of patience",
	  -18),
	I("等了一周|等了好几天|等了一个星期|等了一个礼拜|等了半个月|等了两周|等了十天|等了这么久|等这么久|"
	  "都等了", AZI_COMPLAINT, 40),
	K("look for a local source|look for another source|find another source|another source|"
	  "other sources|alternative source*", AZK_THREAT, 10),
	I("look for a local source|look for another source|find another source|another source|"
	  "alternative source*", AZI_COMPLAINT, 30),
	/* the old price asked for again: haggling */
	I("还按老价|按老价格走|还按原价|还按上次的价|能不能按老价|能不能按原价|能否按原价", AZI_INQUIRY, 30),
	K("还按老价|按老价格走|还按原价|还按上次的价|能不能按老价|能不能按原价|能否按原价", AZK_HAGGLE, 10),
	/* the price settled in English: an order, not a price question */
	I("price as last order|price as last time|same price as last|price as before|price as per|"
	  "price as agreed|as per last order", AZI_ORDER, 30),
	K("price as last order|price as last time|same price as last|price as before|price as per|"
	  "price as agreed|as per last order", AZK_BLOCK, 0),
	/* recycled-content papers are documents */
	I("recycled content declaration|content declaration|grs certif*|tc certificate|transaction certificate|"
	  "再生料含量|再生含量|回收含量", AZI_TECHNICAL, 30),
	/* all future business promised to us: cooperation */
	I("以后都找你们|以后都从你们|以后就找你们|都找你们拿|都从你们这拿|以后就用你们|都在你们这拿|"
	  "都交给你们|全部给你们做", AZI_COOPERATION, 35),
	S("以后都找你们|以后都从你们|以后就找你们|都找你们拿|都从你们这拿|以后就用你们|都在你们这拿|"
	  "都交给你们|全部给你们做", 12),
	/* English praise of a result, a win-win offer; a formula of thanks
	 * for understanding is not praise */
	S("were fine|was fine|looks fine|look fine|look reasonable|looks reasonable|all good|went well|"
	  "went very well|went smoothly|worked fine|works fine|win-win|win win|mutually beneficial", 12),
	K("appreciate your understanding|thank you for your understanding|thanks for your understanding|"
	  "感谢理解|感谢您的理解|感谢你的理解|谢谢理解|谢谢您的理解", AZK_BLOCK, 0),
	S("appreciate your understanding|thank you for your understanding|thanks for your understanding|"
	  "感谢理解|感谢您的理解|感谢你的理解|谢谢理解|谢谢您的理解", 0),
	/* come over today: "下午过来看一下" */
	U("下午过来|上午过来|今天过来|现在过来|马上过来|下午来一趟|今天来一趟|上午来一趟|"
	  "下午派人|今天派人", AZU_HIGH, 25),

	/* ---- cue families added after the blind dev11 corpus (k0001-k0178):
	 * salespeople's call notes, WeCom one-liners, sellers and strangers ---- */
	/* money in chat shorthand ("款昨天打了", "这个月的款月底走"), rebates,
	 * paying later */
	I("款", AZI_PAYMENT, 15),
	K("款式|新款|爆款|款型|同款|老款|款号|贷款|存款|捐款|条款", AZK_BLOCK, 0),
	I("返点|返利|rebate|rebates", AZI_PAYMENT, 30),
	I("才能付|才付|再付|就付|会付|款走|月底走|走款|对账时|对账发现|双方差|差额|对账单上", AZI_PAYMENT, 25),
	/* "下单量要减": the volume, not an order placed */
	I("下单量|订单量", AZI_ORDER, 8),
	/* contract clauses and a date moved: order changes */
	I("合同条款|条款|交期调整|调整交期|交期变更|变更交期|交货期调整|交期更改|安排一车|要一车|订一车",
	  AZI_ORDER, 30),
	K("推到|往后推|挪到|推迟至|延至|延后至|顺延至|原定|原计划", AZK_RESCHED, 10),
	/* a price stated as a settled term: "价格按老的走", "按上次价格再来20吨",
	 * "同样价格", "单价不变" */
	K("价格按|价按|单价按|按老的|按老价|按上次|按原价|按原来的价|按之前的价|按合同价|按这个价|"
	  "按这个月的|同样价格|同样的价格|同样价|价格不变|单价不变|价格照旧|价格维持|老价格走|"
	  "价格照|价照|照报价单|按报价单|照报价|按报价|"
	  "same price|price as before|price unchanged", AZK_SETTLED, 10),
	/* a condition whose consequent follows: "要涨的话我们先备20吨", "若能到15900" */
	K("的话|若|若能", AZK_IF, 10),
	K("若干", AZK_BLOCK, 0),
	/* generic words of partnership: they also address partners ("合作伙伴
	 * 大会") and close wishes ("明年合作更上一层楼", "以后多多合作"); a
	 * proposal names its substance (代理, 框架, 联合开发, 长期供货) */
	K("合作|合作伙伴|伙伴|战略|供应商|邀请贵司|共赢|双赢|携手", AZK_COOPGEN, 0),
	K("下半年|上半年", AZK_BLOCK, 0),	/* "下半年会多给我们点量" is no 年会 */
	/* a short shot ("薄壁件老是打不满") is a moulding defect, not 不满 */
	I("打不满|注不满|充不满|填不满", AZI_TECHNICAL, 25),
	/* material in use found acceptable: "在公差范围内 不影响", "我们调了下工艺
	 * 也能用", "颜色和之前的批次基本一致" */
	K("也能用|能正常用|可以正常用|不影响使用|不影响生产|在公差范围内|公差范围内|基本一致|"
	  "整体还可以|整体还行|不过能用|还能用|within tolerance|still usable", AZK_ACCEPT, 10),
	/* events, invitations and wishes: the occasion of a message */
	I("大会|年会|研讨会|论坛|峰会|答谢会|剪彩|奖牌|颁奖|获奖|回执|开放日|身体健康|万事如意|"
	  "开业大吉|邀请函|生日快乐|生意兴隆", AZI_OTHER, 20),
	K("大会|年会|研讨会|论坛|峰会|答谢会|剪彩|奖牌|颁奖|获奖|回执|开放日|身体健康|万事如意|"
	  "开业大吉|邀请函|生日快乐|生意兴隆|开业|典礼|庆典|乔迁|恭喜|祝贺|展会|展位|展台|"
	  "新年快乐|节日快乐|春节快乐|元旦快乐|新年好|congratulations|exhibition|trade show|booth|"
	  "season's greetings|merry christmas|happy new year", AZK_OCCASION, 10),
	I("推到|往后推|挪到|推迟至|延至|延后至|顺延至", AZI_ORDER, 20),
	/* a price quoted in a call note, a rival price to match */
	I("报了|报过去|报给他|报给客户|报给他们|给他报|给客户报|价太高|价高了|价格高了|报价高了|"
	  "要是能做到|如果能做到|能做到的话|做到这个价", AZI_INQUIRY, 25),
	K("价太高|价高了|价格高了|报价高了|要是能做到|如果能做到|能做到的话|做到这个价", AZK_HAGGLE, 10),
	/* sellers, strangers, impostors: nothing to do with a sale */
	I("推销|婉拒|已婉拒", AZI_OTHER, 45),
	I("推广|没理|骚扰电话|百度|排名|派遣|劳务|人力资源|代开|冒充|假冒|诈骗|"
	  "骗子|代办|认证咨询|咨询公司|主办方|我是学生|大学生|研究生|毕业论文|论文|实习|"
	  "seo|ranking|your website|boost your|digital marketing|lead generation|logistics company",
	  AZI_OTHER, 35),
	I("端午快乐|端午节快乐|中秋节快乐|元宵快乐|元宵节快乐|五一快乐|劳动节快乐|国庆节快乐|七夕快乐|"
	  "周末愉快|节日愉快|假期愉快|没见到人|没见到老板|没见着人|老板不在|老板在外地|不在厂里|"
	  "留了资料|留了名片|留下资料|聊了一会|聊了几句|聊了下|聊了聊|改名了|更名了|公司改名",
	  AZI_OTHER, 30),
	/* goods arrived, in a call note's words */
	I("料到了|料已到|料已经到|料收到了|料已收到|东西到了|东西收到了|货都到了|到货了", AZI_DELIVERY, 25),
	/* quality feedback after a delivery: an after-sales note */
	I("反馈不错|反馈很好|反馈良好|反馈挺好|品质不错|质量不错|料很好|料不错|料挺好|用得不错|用着不错|"
	  "用着挺好|用得挺好|验收通过|料子没问题|料没问题|货没问题|换的那批|换的料|换过的料|"
	  "performed well|performed really well|performs well|running well|runs well|zero rejects|"
	  "no rejects|zero defects", AZI_AFTER_SALES, 30),
	S("zero rejects|no rejects|zero defects|performed really well|验收通过", 15),
	/* not our fault, a small thing to watch next time */
	K("不是我们的问题|不是我方的问题|不是我们这边的问题|不是料的问题|跟我们没关系|和我们没关系|"
	  "与我方无关|以后注意就行|下次注意就行|注意一下就行|以后注意就好|下次注意就好|"
	  "以后注意点就行|下次注意点就行|not a big deal|not a major issue|注意点就行|注意就行|注意下就行|"
	  "注意点就好|注意就好|注意下就好", AZK_DISCLAIM, 10),
	I("不是我们的问题|不是我方的问题|不是我们这边的问题|不是料的问题|跟我们没关系|和我们没关系|"
	  "与我方无关|以后注意就行|下次注意就行|注意一下就行|以后注意就好|下次注意就好|"
	  "以后注意点就行|下次注意点就行|not a big deal|not a major issue|注意点就行|注意就行|注意下就行|"
	  "注意点就好|注意就好|注意下就好", AZI_AFTER_SALES, 15),
	S("不是我们的问题|不是我方的问题|不是我们这边的问题|不是料的问题|跟我们没关系|和我们没关系|"
	  "与我方无关|以后注意就行|下次注意就行|注意一下就行|以后注意就好|下次注意就好|"
	  "以后注意点就行|下次注意点就行|not a big deal|not a major issue|注意点就行|注意就行|注意下就行|"
	  "注意点就好|注意就好|注意下就好", 0),
	/* thanks for help given is not a request */
	K("谢谢你们帮忙|谢谢你们的帮忙|谢谢帮忙|感谢帮忙|多谢帮忙|感谢你们的帮忙|感谢你们帮忙|谢谢您帮忙|"
	  "thanks for your help|thank you for your help", AZK_BLOCK, 0),
	S("谢谢你们帮忙|谢谢你们的帮忙|谢谢帮忙|感谢帮忙|多谢帮忙|感谢你们的帮忙|感谢你们帮忙|谢谢您帮忙|"
	  "thanks for your help|thank you for your help", 10),
	/* mistakes of ours about a price: a complaint, not haggling */
	K("写错|写错了|算错|算错了|报错|报错了|报错价|开错|开错了|不一致|不一样|对不上|每次都不一样|乱报|"
	  "报了三个价|报了两个价|三个价|两个价", AZK_MISTAKE, 10),
	/* goods arrived, in mail and chat words; thanks said twice is no
	 * repetition of a problem */
	I("goods received|received the goods|goods arrived|material arrived|arrived in good condition|"
	  "received in good condition|终于到了|终于收到", AZI_DELIVERY, 25),
	I("thanks again|thank you again|再次感谢", AZI_OTHER, 0),
	S("thanks again|thank you again|再次感谢", 8),
	/* an inspection passed at the customer's customer, a case closed, a
	 * better result this time: after-sales feedback */
	I("验过了|一次就验过|一次通过|一次就过了|验收过了|这次好多了|consider the case closed|"
	  "consider this case closed|consider this closed|consider the matter closed", AZI_AFTER_SALES, 25),
	S("验过了|一次就验过|一次通过|一次就过了|验收过了", 12),
	/* a first order, a price accepted; formulas of pleasure in a routine
	 * confirmation */
	I("首单|下首单|第一单", AZI_ORDER, 30),
	S("能接受|能够接受", 12),
	S("只能接受|只接受", 0),
	S("pleased to confirm our order|pleased to confirm the order|happy to confirm our order|"
	  "pleased to place our order|pleased to place an order", 0),
	/* a notice of ours received: the reply is no notice */
	K("your notice of|received your notice|your notice", AZK_BLOCK, 0),
	/* waiting for the boss to sign: nothing asked now */
	K("等老板签字|等领导签字|等老板批|等领导批|等老板回来|等签字", AZK_HORIZON, 10),
	/* a call note: the customer pushes for the goods (催货) -- a delivery
	 * matter, stressed but not a grievance by itself */
	I("催货|来电催货|打电话催货", AZI_DELIVERY, 30),
	S("催货|来电催货|打电话催货", -6),
	/* samples asked for again, a personnel change, more orders to come */
	I("再寄|多寄|再寄点|再寄一些", AZI_INQUIRY, 25),
	I("换了新的采购|新的采购经理|新采购经理|采购经理换了", AZI_OTHER, 35),
	I("会增加订单|增加订单|加大订单|会多下单", AZI_COOPERATION, 30),
	/* we are the newcomer: a chance, not a threat */
	I("我们有机会|我们的机会|有机会切入|有机会进入|机会来了", AZI_COOPERATION, 35),
	S("我们有机会|我们的机会|有机会切入|有机会进入|机会来了", 15),
	/* still comparing, still testing, nothing needed now: no request */
	K("还在比价|在比价|还在对比|还在考虑|还在评估|还在测|还在试|没什么需求|暂无需求|暂时没有需求|"
	  "没有需求|保持联系", AZK_HORIZON, 10),
	I("没什么需求|暂无需求|暂时没有需求|没有需求|保持联系", AZI_OTHER, 10),
	K("没什么需求|暂无需求|暂时没有需求|没有需求|保持联系", AZK_BLOCK, 0),
	/* asks reported in a call note: "让我们查一下", samples to send again */
	K("让我们|再寄|多寄|再寄点|再寄一些", AZK_REQUEST, 10),
	K("让我们知道|让我们知道一下|让我们了解|让我们了解一下|让我们心里有数|让我们有个准备", AZK_BLOCK, 0),
	/* chat questions (fifth dev11 batch) */
	/* the cause of an earlier problem asked after: an after-sales follow-up */
	I("查出原因|原因查出|查到原因|原因找到|原因出来|分析结果出来|调查结果|查清楚了吗", AZI_AFTER_SALES, 35),
	S("查出原因|原因查出|查到原因|原因找到|原因出来|分析结果出来|调查结果|查清楚了吗", 0),
	K("查出原因|原因查出|查到原因|原因找到|原因出来|分析结果出来|调查结果|查清楚了吗", AZK_RETURN, 10),
	/* a PO's delivery date to confirm: an order confirmation */
	I("确认交期|确认下交期|确认一下交期|确认交货期", AZI_ORDER, 20),
	/* where a material may be used; management-system certificates */
	I("户外能用|户外用|能用在|能不能用在|能用吗|iso14001|iso9001|iatf16949|体系证书|iso证书", AZI_TECHNICAL, 30),
	/* "还是一样的吗": a question, not a reproach */
	K("还是一样的吗|还是一样吗|是一样的吗|一样的吗|还是同一批吗", AZK_QUESTION, 10),
	I("还是一样的吗|还是一样吗|是一样的吗|一样的吗|还是同一批吗", AZI_INQUIRY, 15),
	S("还是一样的吗|还是一样吗|是一样的吗|一样的吗|还是同一批吗", 0),
	/* money due by a day */
	I("前到账|之前到账|前付|之前付", AZI_PAYMENT, 30),
	/* where to buy: an inquiry */
	I("在哪里能买|哪里能买|哪里可以买|在哪买|哪里买|where can i buy|where to buy", AZI_INQUIRY, 35),
	/* a seller asking whether we need something */
	I("贵司需要|贵司是否需要|贵司有没有需要|贵公司需要|贵司是否有需求|do you need any", AZI_OTHER, 45),
	S("贵司需要|贵司是否需要|贵司有没有需要|贵公司需要|贵司是否有需求|do you need any", 0),
	/* nobody answered for a long time */
	I("一直没人回复|一直没回复|一直没人理|一直没人管|一直没人联系|到现在没人", AZI_COMPLAINT, 40),
	S("一直没人回复|一直没回复|一直没人理|一直没人管|一直没人联系|到现在没人", -20),
	/* asked for today: explicit urgency */
	U("今天能到吗|今天能发吗|今天能送吗|今天能不能到|今天能不能发|今天能不能送|今天能到不", AZU_HIGH, 30),
	/* an offer accepted: an order */
	I("就这么定了|那就定了|就定这个|就定了|那就这么定|accept your offer|accept the offer|"
	  "accept your quotation|accept your quote|proceed with the order|please proceed with|we accept your",
	  AZI_ORDER, 30),
	/* an order in a call note: 要货, the price settled as last time */
	I("要货", AZI_ORDER, 25),
	I("价格跟上次一样|跟上次一样的价|价格和上次一样|价格同上次|价格还是上次的|还是上次的价|价格还是上次",
	  AZI_ORDER, 30),
	/* more business promised, partnership sought in chat words */
	I("量还会加|量会加|还会加量|会加量|量还会增加|长期供|找你们合作|想跟你们合作|想和你们合作",
	  AZI_COOPERATION, 30),
	/* a job seeker's A-not-A question */
	K("收不收|缺不缺", AZK_QUESTION, 10),
	/* reproaches for chasing or for nobody there; prices we cannot live
	 * with */
	S("怎么还在催|还在催|还催|怎么还催|怎么没人|怎么没有人", -20),
	S("做不下去|做不下来|没法做|亏本", -15),
	K("做不下去|亏本|没利润|没有利润|利润太薄", AZK_HAGGLE, 10),
	/* the rest is fine: not praise of the matter */
	S("其他的没问题|其他没问题|别的没问题|其余没问题|其它没问题", 0),
	/* e-mail formulas of thanks */
	S("thank you for attending|thanks for attending|thank you for your order|thanks for your order|"
	  "thank you for your email|thanks for your email|thank you for your reply|thanks for your reply|"
	  "thank you for your letter|thanks for your letter|thank you for your quotation|"
	  "thanks for your quotation|thank you for your inquiry|thanks for your inquiry|感谢您的来信|感谢来信|"
	  "谢谢您的回复|感谢您的回复|感谢回复|谢谢回复|感谢您的邮件|感谢您的询价|感谢询价", 0),
	/* salutations and closing formulas that name a partnership or a hope
	 * for a reply: no partnership topic, no mood */
	K("尊敬的合作伙伴|亲爱的合作伙伴|各位合作伙伴|尊敬的各位合作伙伴|dear partner|dear partners|"
	  "dear valued partner|dear valued partners|dear business partner", AZK_BLOCK, 0),
	I("感谢合作|感谢您的合作|感谢贵司的合作|感谢一直以来的合作|感谢您一直以来的合作|支持与合作|支持和合作|"
	  "thank you for your cooperation|thanks for your cooperation|thank you for your partnership|"
	  "thanks for your partnership|thank you for your continued support|thank you for your support",
	  AZI_OTHER, 15),
	S("感谢合作|感谢您的合作|感谢贵司的合作|支持与合作|支持和合作|"
	  "thank you for your cooperation|thanks for your cooperation|thank you for your support", 0),
	/* glad about speed */
	S("这么快|速度很快|处理得很快|处理很快|反应很快|响应很快|效率很高|so quickly|so fast|"
	  "quick replacement|quick turnaround|fast turnaround|没有任何问题|没任何问题|完全没问题|"
	  "no issues at all|no problems at all", 15),
	/* sellers introducing themselves: a pitch, not a partnership we are
	 * asked about */
	I("我司专业生产|我司专业从事|我们专业生产|我们专业从事|本公司专业|我司主营|本公司主营|常年供应|"
	  "常年收购|高价回收|大量收购|贷款|代理记账|工商注册|网站建设|培训课程|诚邀您参加|诚邀参加|"
	  "leading manufacturer|professional manufacturer|leading supplier|professional supplier|"
	  "we specialize in|we specialise in|establish business relationship|business relationship with|"
	  "esteemed company|our products include|our product range", AZI_OTHER, 45),
	S("我司专业生产|我司专业从事|我们专业生产|我们专业从事|本公司专业|专业生产|专业从事", 0),
	I("专业生产|专业从事|主营", AZI_OTHER, 15),
	/* sellers' and organisers' formulas: an invitation or a hope for
	 * business says nothing of the writer's mood about us */
	S("诚邀贵司合作|诚邀您参加|诚邀参加|诚邀您|诚邀贵司|诚邀合作|欢迎洽谈合作|欢迎洽谈|欢迎合作|合作请加微信|期待与您合作|"
	  "期待与贵司合作|期待与您见面|期待您的光临|期待您的莅临|欢迎莅临|欢迎光临|"
	  "looking forward to cooperation|looking forward to cooperating|look forward to cooperation|"
	  "look forward to cooperating|pleased to invite|we'd love to partner|would love to partner|"
	  "we are pleased to offer|competitive rates", 0),
	I("诚邀贵司合作|诚邀合作|欢迎洽谈合作|欢迎合作|合作请加微信|we'd love to partner|would love to partner",
	  AZI_OTHER, 25),
	/* a call note's question answered on the call ("已告知人事电话", "已婉拒") */
	K("已告知|已答复|已回复|已解释|已作解释|已说明|已婉拒|已回绝|已给出答复", AZK_ANSWERED, 10),
	/* goods going back or replaced: after-sales business even when the
	 * defect is named */
	K("退货|换货|退换|退换货|补发|退回|退款|换一批|换两包|换一包|replacement|replace|refund|"
	  "return the|send back", AZK_RETURN, 10),
	/* the customer will come back to us, or only reports a forecast:
	 * nothing asked now */
	K("回去再商量|再商量|考虑下|考虑一下|内部比一下|内部比较|内部讨论|内部评估|有结果告诉你|有结果再告诉|"
	  "有结果通知|有结果再说|给结果|再反馈|再定|再看|后续再跟|再跟进|暂时不动|get back to you|"
	  "will revert|revert to you|forecast|预测量", AZK_HORIZON, 10),
	/* a signed contract or a scan sent back */
	K("签好了|签好|盖好章|盖好了章|已盖章|已经盖章|用印|已用印|扫描件发|扫描档发|扫描件已发|"
	  "原件寄|原件快递|正本明天|正本寄|原件明天", AZK_SENTDOC, 10),
	K("换新的|换新|帮忙换|给我们换|给换|换一下|换掉", AZK_RETURN, 10),
	/* the writer says who it is */
	K("我们是|我是|我司是|我们公司是|本公司是|自称|we are a|we are an|i am a|i am an", AZK_SELFINTRO, 10),
	K("我们是不是|我是不是|我是说|我们是想|我是想|我们是要|我是要|我们是否|我是否", AZK_BLOCK, 0),
	/* a notice addressed to everyone (counts only opening the text) */
	K("各位客户|各位客户朋友|各位新老客户|各客户|尊敬的客户|尊敬的各位客户|各位供应商|各位供应商伙伴|各供应商|"
	  "致各供应商|致各位供应商|致各位客户|各位合作伙伴|各合作伙伴|尊敬的合作伙伴|尊敬的各位合作伙伴|"
	  "各位伙伴|各部门|各位同事|dear partners|dear valued|dear customers|dear suppliers|dear colleagues|"
	  "to all suppliers|to all customers|to whom it may concern", AZK_BROADCAST, 10),
	/* how material already delivered works for the customer: a post-sale
	 * follow-up ("贵司上周收到的料使用情况如何", "用下来怎么样") */
	I("使用情况|使用效果|用得怎么样|用的怎么样|用着怎么样|用下来怎么样|用得如何|用的如何|"
	  "how is it running|how did it run|how it runs", AZI_AFTER_SALES, 25),
	/* goods sent back to us: "安排车拉回去", "他们送回", "寄回来" */
	K("拉回|拉回去|拉回来|送回|送回来|寄回|寄回来|运回|运回去|发回|退运|ship back|shipped back", AZK_RETURN, 10),
	I("拉回|拉回去|拉回来|送回|送回来|寄回|寄回来|运回|运回去|发回|退运|ship back|shipped back",
	  AZI_AFTER_SALES, 15),

	/* "你们盖完章寄回来一份": our stamp asked for */
	K("你们盖完章|盖完章寄回|盖章后寄回|盖章后回传|寄回来一份|回传一份", AZK_REQUEST, 10),
	K("用的少了|用得少了|用量少了|用量下降|订单下滑|需求下滑|需求下降", AZK_BLOCK, 0),
	/* asking for another grade: a selection question */
	K("别的牌号|其他牌号|别的型号|其他型号|换个牌号|换个型号|推荐一款|推荐个", AZK_CAUSEQ, 10),
	I("别的牌号|其他牌号|别的型号|其他型号|换个牌号|换个型号|推荐一款|推荐个", AZI_TECHNICAL, 25),
	/* more business promised, prices locked: cooperation */
	I("多给我们点量|多给点量|多给我们一些量|量多给|份额给我们|价格锁|锁半年|锁一年", AZI_COOPERATION, 35),
	/* complaints: repeated errors, still not arrived, damaged packing */
	I("开错了两次|错了两次|开错两次|又开错|至今未到|至今未收到|至今没到|至今还没到|至今没收到|至今未发|"
	  "外包装破|包装破了", AZI_COMPLAINT, 25),
	S("开错了两次|错了两次|开错两次|又开错|至今未到|至今未收到|至今没到|至今还没到|至今没收到|至今未发|"
	  "外包装破|包装破了", -15),

	/* ---- cue families added after the blind dev13 corpus (d13-001-d13-180) ---- */
	/* supply guarantees, frameworks and joint work in call-note words */
	I("保供|保供协议|供货框架|合作框架|聊框架|谈框架|一起研发|合作开发|共同研发|联合研发|"
	  "互相介绍客户|互相介绍|资源共享|互推客户|来审厂|来验厂|过来审厂|来我们这审厂", AZI_COOPERATION, 30),
	/* developing or processing together outweighs the recipes and
	 * schemes it names (配方, 方案): a partnership */
	I("一起开发|联合开发|共同开发|合作开发|共同研发|联合研发|一起研发|代工|来料加工|代加工|代为加工|"
	  "代为改性|接oem|做oem|考虑oem|oem代工|toll compounding|toll processing|提供配方|出配方|"
	  "联合实验室|外包给你们", AZI_COOPERATION, 30),
	K("一起开发|联合开发|共同开发|合作开发|共同研发|联合研发|一起研发|代工|来料加工|代加工|代为加工|"
	  "代为改性|接oem|做oem|考虑oem|oem代工|toll compounding|toll processing|提供配方|出配方|"
	  "联合实验室|外包给你们", AZK_JOINT, 10),
	/* good wishes for the partnership there is ("明年继续合作哈", "这两年合作很
	 *愉快"): a formula, not a partnership proposed */
	I("继续合作|合作很愉快|合作得很愉快|合作一直很愉快|多年合作|多年的合作|双方继续合作|明年继续合作|"
	  "继续合作愉快|继续愉快合作", AZI_OTHER, 10),
	S("继续合作|合作很愉快|合作得很愉快|合作一直很愉快|双方继续合作|明年继续合作|继续合作愉快|"
	  "继续愉快合作", 12),
	/* "单号已发我微信", "定位发我了": sent to the writer, nothing asked */
	K("已发我|已经发我|发我了|发给我了|发我微信了|已发给我", AZK_BLOCK, 0),
	/* the customer weighs it and will come back: nothing asked now */
	K("还在犹豫|在犹豫|还在考虑|还在评估|等老板拍板|等拍板|老板拍板|再说吧|月底再说|下周再说|"
	  "下个月再说|年后再说|测完再说|试完再说|上机试", AZK_HORIZON, 10),
	/* sarcastic praise ("你们物流挺有创意啊", "蜗牛都比你们快", "交期跟天气预报
	 * 差不多"): a reproach, whatever the topic it names */
	K("真的牛|真牛|可真牛|真是牛|可真行|真行啊|真有你的|挺有创意|真有创意|真会玩|厉害了|我真的服了|"
	  "真的服了|服了|醉了|蜗牛|龟速|天气预报|让人佩服|真是佩服|呵呵", AZK_SARCASM, 10),
	/* praise reported in a call note ("夸了我们物流", "用得顺") */
	S("夸了|夸我们|夸你们|夸了我们|表扬了|表扬我们|表扬你们|用得顺|用着顺|用得挺顺|用得很顺|"
	  "到货很快|到得很快|比以前快|比上次快", 15),
	/* a sample being evaluated before a purchase */
	I("样品测完|样品测了|样品测试完|样品已测|样品还在测|样品在测|寄的样|"
	  "试了你们的样|试了你们寄|测了你们的样|上机试|等老板拍板|老板拍板|等拍板", AZI_INQUIRY, 30),
	/* the price level named with its judgement: haggling */
	K("价格太高|价格偏高|价格太贵|价格有点高|价格高了|别家才|别人家才|人家只要", AZK_HAGGLE, 10),
	/* a price for a period */
	I("长期价|长期价格|年度价|季度价|锁个价|先锁价|锁一下价", AZI_INQUIRY, 30),
	I("涨价的事|调价的事|调价通知|涨价通知|降价通知|价格调整", AZI_INQUIRY, 25),
	/* an order dropped in call-note words */
	I("也不要了|都不要了|单也不要|项目取消|项目黄了|不做了|先不下了|先不下|不下了|撤了|砍单",
	  AZI_ORDER, 30),
	/* invoices and remittances in chat words */
	I("票开了|票开了没|票开好|票呢|票什么时候|的票|已付|已支付|已经付了|付过了|银行回单|付款回单|"
	  "转账回单|汇款回单|水单", AZI_PAYMENT, 30),
	K("车票|门票|机票|投票|股票|彩票", AZK_BLOCK, 0),
	/* the customer ducking a payment */
	I("不想付|不肯付|拖着不付|赖账|不打算付|想赖", AZI_PAYMENT, 30),
	K("不想付|不肯付|拖着不付|赖账|不打算付|想赖", AZK_DUN, 10),
	/* a fault suspected on our side ("你们是不是换配方了") */
	I("是不是换配方|是不是改配方|是不是换料|是不是换原料|是不是换了原料|是不是掺|掺了|偷工减料",
	  AZI_COMPLAINT, 30),
	S("是不是换配方|是不是改配方|是不是换料|是不是换原料|是不是换了原料|是不是掺|掺了|偷工减料", -15),
	I("脆了|变脆|太脆|很脆|脆得|一掰就断|一折就断|扯皮|不认账", AZI_COMPLAINT, 20),
	S("脆了|变脆|太脆|很脆|脆得|一掰就断|一折就断|扯皮|不认账", -10),
	/* feeding and pellets: a processing question */
	I("料斗|下料不顺|下料不畅|颗粒大小|粒子大小|粒径|架桥", AZI_TECHNICAL, 25),
	/* goods already exchanged: after-sales business */
	I("换过货|换了货|已换货|已经换货|退过货|换下来的|退回来的|补的货|补过来", AZI_AFTER_SALES, 30),
	K("换过货|换了货|已换货|已经换货|退过货|换下来的|补的货|补过来", AZK_RETURN, 10),
	/* nobody answering: who did not answer depends on who writes */
	K("没人接|也没人接|没有人接|没人回复|都不回|也不回|不回话|不吭声|没回音|石沉大海|不接电话|都没人接|"
	  "打了三次|打了两次|打了几次|打了好几次|微信也不回|消息也不回|短信也不回|电话也不接", AZK_NOREPLY, 10),
	/* the customer keeps using the material: feedback, not a grievance */
	K("先用着|先用着看|能用就行|将就用|凑合用|还能将就", AZK_DISCLAIM, 10),
};

#undef I
#undef S
#undef U
#undef D
#undef F
#undef K

/* ---- default catalogue (test/corpus/catalogue.json) --------------- */

typedef struct cat_product
{
	const char *canonical;
	const char *category;
	const char *aliases;		/* '|' separated */
} cat_product;

static const cat_product default_products[] = {
	{"PCR-ABS-1000", "ABS", "PCR-ABS|PCR ABS|PCRABS|PCR-ABS 1000|PCR-ABS1000|再生ABS|回收ABS|"
	 "PCR ABS 1000系列|ABS再生料"},
	{"PCR-ABS-2000", "ABS", "PCR-ABS 2000|PCR-ABS2000|高性能PCR-ABS|高性能再生ABS"},
	{"PCR-PC-3000", "PC", "PCR-PC|PCR PC|PCR-PC 3000|再生PC|回收PC|PC再生料"},
	{"PC/ABS", "PC/ABS", "PC+ABS|PCABS|PC-ABS合金|PC/ABS合金"},
	{"PP-T20", "PP", "PP T20|PPT20|PP-T20滑石粉填充|20%滑石粉PP|PP+20%滑石粉"},
	{"PA66-GF30", "PA", "PA66 GF30|PA66+30%GF|PA66-30%玻纤|30%玻纤增强PA66|尼龙66玻纤"},
	{"HIPS-500", "PS", "HIPS|高抗冲聚苯乙烯|HIPS 500"},
	{"PCR-PP-800", "PP", "PCR-PP|再生PP|回收PP|PCR PP"},
	{"阻燃ABS-V0", "ABS", "阻燃ABS|V0阻燃ABS|ABS V0|FR-ABS"},
	{"PBT-GF15", "PBT", "PBT GF15|PBT+15%GF|15%玻纤PBT"},
};

static const struct
{
	const char *canonical;
	const char *aliases;
}			default_competitors[] = {
	{"金发科技", "金发|Kingfa|KINGFA"},
	{"普利特", "Pret|PRET"},
	{"SABIC", "沙伯基础|沙特基础|Sabic"},
	{"LG化学", "LG Chem|LG化工|LGChem"},
	{"奇美", "奇美实业|CHIMEI|Chi Mei"},
	{"科思创", "Covestro|拜耳材料"},
	{"巴斯夫", "BASF"},
	{"道恩股份", "道恩"},
	{"国恩股份", "国恩"},
	{"会通股份", "会通"},
};

/* ---- life cycle ----------------------------------------------------- */

int
az_lexicon_add_entry(az_lexicon *lex, const char *surface, uint16_t kind,
					 int32_t arg, int16_t w)
{
	size_t		len;
	char	   *s;
	uint8_t		prefix = 0;

	if (!lex || !surface)
		return -1;
	len = strlen(surface);
	if (len == 0 || len > 1000)
		return -1;
	if (len > 1 && surface[len - 1] == '*')
	{
		char	   *tmp = malloc(len);

		if (!tmp)
		{
			lex->oom = true;
			return -1;
		}
		memcpy(tmp, surface, len - 1);
		tmp[len - 1] = '\0';
		s = az_fold_pattern(tmp);
		free(tmp);
		prefix = 1;
	}
	else
		s = az_fold_pattern(surface);
	if (!s)
	{
		lex->oom = true;
		return -1;
	}
	/* trim ASCII spaces a catalogue row may carry */
	{
		size_t		a = 0,
					b = strlen(s);

		while (a < b && s[a] == ' ')
			a++;
		while (b > a && s[b - 1] == ' ')
			b--;
		if (b == a)
		{
			free(s);
			return -1;
		}
		memmove(s, s + a, b - a);
		s[b - a] = '\0';
	}
	if (lex->nent == lex->cap)
	{
		size_t		nc = lex->cap ? lex->cap * 2 : 1024;
		az_entry   *ne = realloc(lex->ent, nc * sizeof(*ne));

		if (!ne)
		{
			free(s);
			lex->oom = true;
			return -1;
		}
		lex->ent = ne;
		lex->cap = nc;
	}
	lex->ent[lex->nent].s = s;
	lex->ent[lex->nent].f.kind = kind;
	lex->ent[lex->nent].f.arg = arg;
	lex->ent[lex->nent].f.w = w;
	lex->ent[lex->nent].prefix = prefix;
	lex->nent++;
	lex->built = false;
	return 0;
}

/* Add every '|' separated surface of words. */
static void
add_words(az_lexicon *lex, const char *words, uint16_t kind, int32_t arg, int16_t w)
{
	char		buf[256];
	const char *p = words;

	while (*p)
	{
		const char *q = strchr(p, '|');
		size_t		len = q ? (size_t) (q - p) : strlen(p);

		if (len > 0 && len < sizeof(buf))
		{
			memcpy(buf, p, len);
			buf[len] = '\0';
			az_lexicon_add_entry(lex, buf, kind, arg, w);
		}
		if (!q)
			break;
		p = q + 1;
	}
}

void
az_lexicon_add_builtin(az_lexicon *lex)
{
	size_t		i;

	for (i = 0; i < sizeof(builtin) / sizeof(builtin[0]); i++)
		add_words(lex, builtin[i].words, builtin[i].kind, builtin[i].arg, builtin[i].w);
}

static char *
dupstr(const char *s)
{
	size_t		n = strlen(s) + 1;
	char	   *d = malloc(n);

	if (d)
		memcpy(d, s, n);
	return d;
}

az_lexicon *
az_lexicon_new(void)
{
	az_lexicon *lex = calloc(1, sizeof(*lex));

	if (!lex)
		return NULL;
	az_lexicon_add_builtin(lex);
	if (lex->oom)
	{
		az_lexicon_free(lex);
		return NULL;
	}
	return lex;
}

/* Index of a canonical name in names[0..n), or -1. */
static long
find_name(char **names, size_t n, const char *canonical)
{
	size_t		i;

	for (i = 0; i < n; i++)
		if (strcmp(names[i], canonical) == 0)
			return (long) i;
	return -1;
}

void
az_lexicon_add_product(az_lexicon *lex, const char *canonical,
					   const char *alias, const char *category)
{
	long		idx;

	if (!lex || !canonical || !*canonical || strlen(canonical) > 200)
		return;
	idx = find_name(lex->prod, lex->nprod, canonical);
	if (idx < 0)
	{
		char	   *c,
				   *cat = NULL;

		if (lex->nprod == lex->capprod)
		{
			size_t		nc = lex->capprod ? lex->capprod * 2 : 16;
			char	  **np = realloc(lex->prod, nc * sizeof(char *));
			char	  **nq;

			if (!np)
			{
				lex->oom = true;
				return;
			}
			lex->prod = np;
			nq = realloc(lex->prod_cat, nc * sizeof(char *));
			if (!nq)
			{
				lex->oom = true;
				return;
			}
			lex->prod_cat = nq;
			lex->capprod = nc;
		}
		c = dupstr(canonical);
		if (category && *category)
			cat = dupstr(category);
		if (!c)
		{
			free(cat);
			lex->oom = true;
			return;
		}
		lex->prod[lex->nprod] = c;
		lex->prod_cat[lex->nprod] = cat;
		idx = (long) lex->nprod++;
		az_lexicon_add_entry(lex, canonical, AZK_PRODUCT, (int32_t) idx, 0);
	}
	else if (category && *category && !lex->prod_cat[idx])
		lex->prod_cat[idx] = dupstr(category);
	if (alias && *alias && strcmp(alias, canonical) != 0 && strlen(alias) <= 200)
		az_lexicon_add_entry(lex, alias, AZK_PRODUCT, (int32_t) idx, 0);
}

void
az_lexicon_add_competitor(az_lexicon *lex, const char *canonical, const char *alias)
{
	long		idx;

	if (!lex || !canonical || !*canonical || strlen(canonical) > 200)
		return;
	idx = find_name(lex->comp, lex->ncomp, canonical);
	if (idx < 0)
	{
		char	   *c;

		if (lex->ncomp == lex->capcomp)
		{
			size_t		nc = lex->capcomp ? lex->capcomp * 2 : 16;
			char	  **np = realloc(lex->comp, nc * sizeof(char *));

			if (!np)
			{
				lex->oom = true;
				return;
			}
			lex->comp = np;
			lex->capcomp = nc;
		}
		c = dupstr(canonical);
		if (!c)
		{
			lex->oom = true;
			return;
		}
		lex->comp[lex->ncomp] = c;
		idx = (long) lex->ncomp++;
		az_lexicon_add_entry(lex, canonical, AZK_COMPETITOR, (int32_t) idx, 0);
	}
	if (alias && *alias && strcmp(alias, canonical) != 0 && strlen(alias) <= 200)
		az_lexicon_add_entry(lex, alias, AZK_COMPETITOR, (int32_t) idx, 0);
}

void
az_lexicon_add_default_catalogue(az_lexicon *lex)
{
	size_t		i;
	char		buf[256];

	for (i = 0; i < sizeof(default_products) / sizeof(default_products[0]); i++)
	{
		const char *p = default_products[i].aliases;

		az_lexicon_add_product(lex, default_products[i].canonical, NULL,
							   default_products[i].category);
		while (*p)
		{
			const char *q = strchr(p, '|');
			size_t		len = q ? (size_t) (q - p) : strlen(p);

			if (len < sizeof(buf))
			{
				memcpy(buf, p, len);
				buf[len] = '\0';
				az_lexicon_add_product(lex, default_products[i].canonical, buf,
									   default_products[i].category);
			}
			if (!q)
				break;
			p = q + 1;
		}
	}
	for (i = 0; i < sizeof(default_competitors) / sizeof(default_competitors[0]); i++)
	{
		const char *p = default_competitors[i].aliases;

		az_lexicon_add_competitor(lex, default_competitors[i].canonical, NULL);
		while (*p)
		{
			const char *q = strchr(p, '|');
			size_t		len = q ? (size_t) (q - p) : strlen(p);

			if (len < sizeof(buf))
			{
				memcpy(buf, p, len);
				buf[len] = '\0';
				az_lexicon_add_competitor(lex, default_competitors[i].canonical, buf);
			}
			if (!q)
				break;
			p = q + 1;
		}
	}
}

int
az_lexicon_build(az_lexicon *lex)
{
	if (!lex || lex->oom)
		return -1;
	if (az_automaton_build(lex) != 0)
		return -1;
	return az_model_build(lex);
}

void
az_lexicon_free(az_lexicon *lex)
{
	size_t		i;

	if (!lex)
		return;
	az_automaton_free(lex);
	az_model_free(lex);
	for (i = 0; i < lex->nent; i++)
		free(lex->ent[i].s);
	free(lex->ent);
	for (i = 0; i < lex->nprod; i++)
	{
		free(lex->prod[i]);
		free(lex->prod_cat[i]);
	}
	free(lex->prod);
	free(lex->prod_cat);
	for (i = 0; i < lex->ncomp; i++)
		free(lex->comp[i]);
	free(lex->comp);
	free(lex);
}

az_lexicon *
az_lexicon_default(void)
{
	az_lexicon *lex = az_lexicon_new();

	if (!lex)
		return NULL;
	az_lexicon_add_default_catalogue(lex);
	if (az_lexicon_build(lex) != 0)
	{
		az_lexicon_free(lex);
		return NULL;
	}
	return lex;
}
