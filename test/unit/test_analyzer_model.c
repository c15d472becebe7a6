/*
 * test_analyzer_model.c -- unit tests of the learned part of intent
 * (analyzer_model.c, analyzer_model_data.c), TAP output, exit 1 on any
 * failure.
 *
 * - feature extraction is stable: fixed hashes for a fixed text (the
 *   trainer, test/corpus/train_intent.py, reads the same features through
 *   test/corpus/model_dump; a change here needs `make model`);
 * - features see the analyzer's folded text: case, full width and
 *   Traditional characters give the same features as their plain forms;
 * - the model table is built with the lexicon, scores are finite and
 *   deterministic for ordinary, empty, odd and long texts;
 * - the combination: a clear rule decision is not sent to the model; a few
 *   sentences, including one the model overrules and one known miss.
 */
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analyzer_internal.h"

static int	ntest = 0;
static int	nfail = 0;
static az_lexicon *LEX;

static const char *const intents[AZI_N] = {
	"inquiry", "complaint", "technical", "cooperation", "order", "payment",
	"delivery", "after_sales", "other"
};

static void
check(bool ok, const char *what)
{
	ntest++;
	if (!ok)
		nfail++;
	printf("%sok %d - %s\n", ok ? "" : "not ", ntest, what);
}

/* analyze, return the trace (folded text copied into buf) */
static az_trace
trace(const char *text, const char *channel, char *buf, size_t cap)
{
	az_trace	tr;
	json_t	   *r;

	memset(&tr, 0, sizeof(tr));
	tr.text = buf;
	tr.text_cap = cap;
	r = az_analyze_trace(LEX, text, strlen(text), channel, NULL, 0, &tr);
	json_decref(r);
	return tr;
}

static void
test_features(void)
{
	static const uint32_t want[] = {
		0x81e16415u, 0x0f921cf8u, 0x0a727053u, 0x5ecb9571u, 0x4b70a893u, 0x1790793fu,
		0xe5846645u, 0x336daad7u, 0x26c5bc12u, 0xe8b18fa0u, 0x6b126f32u, 0x319d9ae0u,
		0x4c4dbc3bu, 0xe8d9ec49u, 0x68cb510cu, 0x760128d7u, 0x4f8dc975u, 0xa1b3e2adu,
		0x829fe1ddu, 0x0a3c8231u,
	};
	const char *t = "PCR-ABS 报价?";
	uint32_t	f[64],
				g[64];
	size_t		n = az_model_features(t, strlen(t), "wechat", f, 64),
				m;
	char		b1[256],
				b2[256];
	az_trace	t1,
				t2;

	check(n == sizeof(want) / sizeof(want[0]) && memcmp(f, want, sizeof(want)) == 0,
		  "features of \"PCR-ABS 报价?\" (wechat) are the recorded hashes");
	/* channel feature first, then bigram/trigram per character */
	m = az_model_features(t, strlen(t), NULL, g, 64);
	check(m == n - 1 && memcmp(g, f + 1, m * sizeof(uint32_t)) == 0,
		  "without a channel only the channel feature is missing");
	/* bounded by cap */
	check(az_model_features(t, strlen(t), "wechat", g, 5) <= 5, "feature output is bounded by cap");
	check(az_model_features("", 0, NULL, g, 64) == 0, "an empty text has no features");
	check(az_model_features("a", 1, NULL, g, 64) == 0, "a single character has no n-gram");
	/* digits are one class, case and spaces are folded */
	n = az_model_features("PO 12345", 8, NULL, f, 64);
	m = az_model_features("po   99999", 10, NULL, g, 64);
	check(n == m && memcmp(f, g, n * sizeof(uint32_t)) == 0,
		  "digits read as one digit, case and runs of spaces folded");
	/* the analyzer's folded text: full width and Traditional */
	t1 = trace("ＰＯ已發，請查收報價單", "email", b1, sizeof(b1));
	t2 = trace("PO已发，请查收报价单", "email", b2, sizeof(b2));
	n = az_model_features(t1.text, t1.text_len, "email", f, 64);
	m = az_model_features(t2.text, t2.text_len, "email", g, 64);
	check(n == m && n > 0 && memcmp(f, g, n * sizeof(uint32_t)) == 0,
		  "full-width and Traditional text give the features of the plain text");
	check(t1.final_cat == t2.final_cat && memcmp(t1.model, t2.model, sizeof(t1.model)) == 0,
		  "... and the same model scores and intent");
}

static void
test_scores(void)
{
	static const char *const texts[] = {
		"",
		"好",
		"?\?? !!!",
		"\xff\xfe invalid \xc3",
		"Hello, could you quote 20 MT of PCR-ABS-1000 CIF Ho Chi Minh?",
		"颜色又不对 这是第几次了 你们到底有没有检验",
	};
	double		s[AZI_N],
				s2[AZI_N];
	size_t		i;
	char	   *big;
	bool		finite = true,
				same = true;
	int			c;

	check(LEX->model != NULL && LEX->model_mask > 0, "the model table is built with the lexicon");
	for (i = 0; i < sizeof(texts) / sizeof(texts[0]); i++)
	{
		az_model_scores(LEX, texts[i], strlen(texts[i]), "wechat", s);
		az_model_scores(LEX, texts[i], strlen(texts[i]), "wechat", s2);
		for (c = 0; c < AZI_N; c++)
		{
			finite = finite && isfinite(s[c]);
			same = same && s[c] == s2[c];
		}
	}
	check(finite, "scores are finite (empty, short, odd, invalid, English, Chinese)");
	check(same, "scores are deterministic");
	check(!az_model_scores(LEX, "", 0, NULL, s), "an empty text is unknown to the model");
	check(az_model_scores(LEX, texts[5], strlen(texts[5]), NULL, s), "a Chinese sentence is known");
	/* a long text: beyond the stack buffers, and beyond 200 characters of
	 * 16-bit sums */
	big = malloc(300000);
	if (big)
	{
		size_t		k = 0;

		while (k + strlen(texts[5]) < 299999)
		{
			memcpy(big + k, texts[5], strlen(texts[5]));
			k += strlen(texts[5]);
		}
		big[k] = '\0';
		finite = az_model_scores(LEX, big, k, "email", s);
		for (c = 0; c < AZI_N; c++)
			finite = finite && isfinite(s[c]);
		check(finite, "a 300 kB text scores finite");
		/* scores add up: twice the text, about twice the scores */
		az_model_scores(LEX, texts[5], strlen(texts[5]), NULL, s);
		az_model_scores(LEX, big, 2 * strlen(texts[5]), NULL, s2);
		check(s2[AZI_COMPLAINT] > s[AZI_COMPLAINT], "a repeated text weighs more");
		free(big);
	}
	/* no lexicon model: no scores */
	{
		az_lexicon *lex = az_lexicon_new();

		check(!az_model_scores(lex, texts[5], strlen(texts[5]), NULL, s),
			  "an unbuilt lexicon has no model");
		az_lexicon_free(lex);
	}
}

static void
check_intent(const char *text, const char *channel, int want_rule, int want_final)
{
	char		buf[1024],
				msg[512];
	az_trace	tr = trace(text, channel, buf, sizeof(buf));

	snprintf(msg, sizeof(msg), "\"%s\": rules %s, reported %s", text, intents[want_rule],
			 intents[want_final]);
	check(tr.rule_cat == want_rule && tr.final_cat == want_final, msg);
	if (tr.rule_cat != want_rule || tr.final_cat != want_final)
		printf("# got rules %s, reported %s\n", intents[tr.rule_cat], intents[tr.final_cat]);
}

static void
test_combination(void)
{
	char		buf[1024];
	az_trace	tr;
	json_t	   *r;
	const char *t = "麻烦把MSDS和TDS发我一份";

	/* a clear rule decision: the model is not consulted */
	tr = trace(t, "wechat", buf, sizeof(buf));
	check(tr.rule_cat == AZI_TECHNICAL && !tr.model_known, "a clear rule decision is not sent to the model");
	check_intent("PCR-ABS-1000 报价多少？月用量20吨", "wechat", AZI_INQUIRY, AZI_INQUIRY);
	check_intent("上个月的发票什么时候能开出来？", "wechat", AZI_PAYMENT, AZI_PAYMENT);
	check_intent("想做你们华南区的代理，怎么谈？", "wechat", AZI_COOPERATION, AZI_COOPERATION);
	check_intent("中秋节快乐！", "wechat", AZI_OTHER, AZI_OTHER);
	/* the model overrules a weak rule decision: a repeated fault with a
	 * reproach is a complaint, not a technical question */
	check_intent("颜色又不对 这是第几次了 你们到底有没有检验", "wechat", AZI_TECHNICAL, AZI_COMPLAINT);
	/* a known miss of the combination: "这不是投诉" is mostly said with a
	 * processing question in the dev corpora (technical), so the model
	 * overrules the rules' delivery reading of a delivery-date question */
	check_intent("这不是投诉，只是想问问交期", NULL, AZI_DELIVERY, AZI_TECHNICAL);
	/* next to nothing the model knows, or a type label for a subject: the
	 * rules' 'other' stands (a WeCom voice message waiting for its
	 * transcript read "payment": the letters of "[voice]" are n-grams of
	 * "invoice") */
	r = az_analyze(LEX, "[语音 12秒] 待转写", strlen("[语音 12秒] 待转写"), "wechat", "[voice]", 0);
	check(r && strcmp(json_string_value(json_object_get(json_object_get(r, "intent"), "category")),
					  "other") == 0, "a voice placeholder with the subject [voice] is other");
	json_decref(r);
	check_intent("好的", "wechat", AZI_OTHER, AZI_OTHER);
	/* the reported category is the combined one; the mood line keeps the
	 * rules' reading */
	r = az_analyze(LEX, "颜色又不对 这是第几次了 你们到底有没有检验",
				   strlen("颜色又不对 这是第几次了 你们到底有没有检验"), "wechat", NULL, 0);
	check(r && strcmp(json_string_value(json_object_get(json_object_get(r, "intent"), "category")),
					  "complaint") == 0, "az_analyze reports the combined intent");
	json_decref(r);
}

int
main(void)
{
	LEX = az_lexicon_default();
	check(LEX != NULL, "default lexicon builds");
	if (!LEX)
		return 1;
	test_features();
	test_scores();
	test_combination();
	az_lexicon_free(LEX);
	printf("1..%d\n", ntest);
	return nfail ? 1 : 0;
}
