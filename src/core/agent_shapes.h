/*
 * agent_shapes.h -- what a model answer must look like for each agent (SPEC
 * N2, N3: "every model answer is validated against the agent's output
 * shape"), and the prompt builder.  Server independent: libc + jansson.
 *
 * VALIDATION POLICY: strict on the type, enum and range of every field the
 * agent's consumers read; lenient on extra fields (the embedded analyzer's
 * extras such as summary/tags/language, a model's own additions); optional
 * fields are checked only when present.  Strings are at most
 * AGENT_MAX_TEXT bytes, arrays at most AGENT_MAX_ITEMS items.  Enums are
 * case-sensitive.  A number is any JSON number; "integer" also accepts an
 * integral real (8.0).  On failure the message names the first offending
 * path, e.g.
 *     intent.category: "buy" is not one of inquiry, complaint, ...
 *     sentiment.score: 1.7 is outside 0..1
 *     quality_score: missing
 *     opportunities[0].probability: expected number, got string
 *
 * SHAPES (R = required, others checked when present; "s" string, "s?" string
 * or null, "[s]" array of strings)
 *
 * A10 (seed A10_PROMPT; analyzer.h is the embedded producer)
 *   R intent{R category: inquiry|complaint|technical|cooperation|order|
 *            payment|delivery|after_sales|other, R detail s,
 *            R confidence 0..1}
 *   R key_info{R products [s], R competitors [s], price s|number|null,
 *              quantity s|number|null, timeline s?}
 *   R sentiment{R overall positive|neutral|negative, R score 0..1, R mood s}
 *   R urgency{R level high|medium|low, R reason s}
 *   R follow_up [s]   R quality_score integer 1..10   R suggestions [s]
 * A11 customer insight
 *   R relationship_health{R score 0..100, R trend upward|stable|downward,
 *                         assessment s}
 *   R lifecycle_stage: 潜在客户|新客户|成长客户|成熟客户|流失风险 or
 *                      prospect|new|growing|mature|at_risk
 *   communication_pattern{preferred_channel, preferred_time, frequency,
 *                         response_speed: s?}
 *   decision_making{style s, key_factors [s], decision_maker s, decision_cycle s}
 *   satisfaction{current 0..5, trend upward|stable|downward, strengths [s],
 *                pain_points [s]}
 *   loyalty{score 0..100, risk_level high|medium|low, retention_probability 0..1}
 *   key_contacts[{R name s, role s, influence 0..1, relationship s}]
 *   needs_map{current [s], future [s], latent [s]}
 *   risks[{R type s, R level high|medium|low, mitigation s}]
 *   opportunities[{R type s, potential high|medium|low, action s}]
 * A12 opportunity mining
 *   R opportunities[{R type explicit|implicit, R description s,
 *                    R estimated_value >= 0, R probability 0..1, id s,
 *                    product s?, quantity s|number|null,
 *                    expected_close_date s?, stage s,
 *                    urgency high|medium|low, competitors [s],
 *                    winning_factors [s], risk_factors [s],
 *                    recommended_actions [s]}]
 *   cross_sell_opportunities[{R product s, reason s, potential_value >= 0,
 *                             approach s}]
 *   up_sell_opportunities[{current s, R upgrade s, reason s,
 *                          potential_value >= 0}]
 * A13 marketing advice
 *   R customer_segment s (non-empty)
 *   R marketing_strategy{R approach s, R key_messages [s], value_proposition s}
 *   R channel_strategy{R primary s (non-empty), secondary s?, tertiary s?,
 *                      reason s}
 *   content_suggestions[{R type s, R topic s, timing s, channel s}]
 *   timing_recommendations{best_contact_days [s], best_contact_hours [s],
 *                          avoid_times [s]}
 *   campaign_ideas[{R name s, target s, offer s, expected_response 0..1}]
 *   care_strategy{...any}   retention_plan{risk_signals [s], retention_actions [s]}
 * A14 risk alerts
 *   R risk_alerts[{R risk_type s (non-empty), R risk_level high|medium|low,
 *                  R risk_score 0..100, R indicators [s],
 *                  R recommended_actions [s], alert_id s, customer_id s|number,
 *                  customer_name s, triggered_at s, expected_impact s,
 *                  escalation_required boolean, escalation_to s?}]
 *   early_warning_signals{<name>: {R detected boolean, ...}}
 * A15 reports: Markdown text (agent_validate_a15_markdown): non-empty, valid
 *   UTF-8 without NUL, at most AGENT_MAX_REPORT bytes, at least one "#"
 *   heading line.
 * A16 coordinator
 *   R analysis_summary{R total_records integer >= 0,
 *                      channels{<channel>: integer >= 0}, analysis_date s}
 *   R action_plan{R immediate, R short_term, R long_term: arrays of strings
 *                 or objects}
 *   customer_insights (A11), opportunities (A12), marketing_suggestions
 *   (A13), risk_alerts (A14): validated as those agents when present and not
 *   null; reports: object, string or null.
 *
 * PROMPT BUILDER: agent_build_prompt(template, vars, max_bytes, info)
 * replaces each {name} (name = [A-Za-z_][A-Za-z0-9_]{0,63}, present in vars)
 * by the value: strings as they are, anything else as compact JSON (UTF-8
 * kept, not \u-escaped).  Other braces -- the JSON examples in the seed's
 * prompts -- and {name}s missing from vars stay as written (counted in
 * info->missing).  No {{ escapes.  The result is at most max_bytes bytes:
 * when the values do not fit, the budget left after the template text is
 * shared max-min fairly (small values whole, the big ones get equal
 * shares); an array keeps its first elements whole and ends with a string
 * element "…(N more omitted)" (still valid JSON -- order arrays by priority,
 * e.g. newest records first), a string or object is cut at a UTF-8
 * boundary and ends with "…(truncated)".
 */
#ifndef COMMHUB_AGENT_SHAPES_H
#define COMMHUB_AGENT_SHAPES_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#define AGENT_MAX_TEXT				4000	/* bytes per string field */
#define AGENT_MAX_ITEMS				100 /* items per array */
#define AGENT_MAX_REPORT			(256 * 1024)
#define AGENT_PROMPT_DEFAULT_MAX	65536
#define AGENT_PROMPT_HARD_MAX		(4 * 1024 * 1024)
#define AGENT_TEMPLATE_MAX			(1024 * 1024)

/* agent: "A10".."A16".  A15 expects a JSON string holding the Markdown.
 * err (may be NULL) receives "path: problem"; errlen 200+ is plenty. */
bool		agent_validate(const char *agent, const json_t *answer,
						   char *err, size_t errlen);

bool		agent_validate_a10(const json_t *answer, char *err, size_t errlen);
bool		agent_validate_a11(const json_t *answer, char *err, size_t errlen);
bool		agent_validate_a12(const json_t *answer, char *err, size_t errlen);
bool		agent_validate_a13(const json_t *answer, char *err, size_t errlen);
bool		agent_validate_a14(const json_t *answer, char *err, size_t errlen);
bool		agent_validate_a15_markdown(const char *text, size_t len,
										char *err, size_t errlen);
bool		agent_validate_a16(const json_t *answer, char *err, size_t errlen);

typedef struct agent_prompt_info
{
	int			replaced;		/* placeholder occurrences replaced */
	int			missing;		/* {name}s not in vars, left as written */
	int			truncated;		/* values shortened to fit max_bytes */
	long		omitted_items;	/* array elements left out */
} agent_prompt_info;

/*
 * Returns a malloc'd NUL-terminated string of at most max_bytes bytes
 * (0 = AGENT_PROMPT_DEFAULT_MAX, clamped to AGENT_PROMPT_HARD_MAX), or NULL
 * if template is NULL or longer than AGENT_TEMPLATE_MAX, vars is neither
 * NULL nor an object, or memory runs out.  info may be NULL.
 */
char	   *agent_build_prompt(const char *tmpl, const json_t *vars,
							   size_t max_bytes, agent_prompt_info *info);

#endif							/* COMMHUB_AGENT_SHAPES_H */
