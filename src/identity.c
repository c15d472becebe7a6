/*
 * identity.c -- add_customer, add_identity, add_staff (S2, C1-C3).
 *
 * Identity values are normalized with the same functions ingest uses
 * (src/core/normalize.c), so '0574-8765 4321' added here matches
 * '+86 574 87654321' in a CDR.  add_identity also attaches every stored
 * unmatched communication that carries the new key (C3), through the GIN
 * index on identity_keys of unmatched rows.
 */
#include "postgres.h"

#include <ctype.h>

#include "pg_jansson.h"

#include "catalog/pg_type.h"
#include "executor/spi.h"
#include "fmgr.h"
#include "utils/builtins.h"
#include "utils/guc.h"
#include "utils/formatting.h"

#include "commhub.h"
#include "thread.h"
#include "analyze.h"
#include "normalize.h"

static const char *const kinds[] = {"email", "domain", "phone", "wecom", "meeting", NULL};

static void
check_kind(const char *kind)
{
	for (int i = 0; kinds[i]; i++)
		if (strcmp(kinds[i], kind) == 0)
			return;
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
			 errmsg("unknown identity kind \"%s\"", kind),
			 errhint("kind is one of email, domain, phone, wecom, meeting.")));
}

/* Normalized identity value; raises 22023 naming the value when unusable. */
static char *
normalize_identity(const char *kind, const char *value)
{
	char		buf[300];

	if (strlen(value) > 256)
		ereport(ERROR, (errcode(ERRCODE_STRING_DATA_RIGHT_TRUNCATION),
						errmsg("identity value is longer than 256 characters"),
						errhint("Pass one address, number or id.")));
	if (strcmp(kind, "email") == 0)
	{
		if (!norm_email_address(value, buf, sizeof(buf)))
			ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE),
							errmsg("value \"%s\" is not an email address", value),
							errhint("Pass an address such as zhang@aux-group.com (a display name in <> is fine).")));
		return pstrdup(buf);
	}
	if (strcmp(kind, "domain") == 0)
	{
		const char *v = value;
		char	   *d;

		if (strchr(v, '@'))
			v = strrchr(v, '@') + 1;
		d = asc_tolower(v, strlen(v));
		if (!*d || strchr(d, ' ') || !strchr(d, '.'))
			ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE),
							errmsg("value \"%s\" is not a domain", value),
							errhint("Pass a domain such as aux-group.com.")));
		return d;
	}
	if (strcmp(kind, "phone") == 0)
	{
		if (!norm_phone(value, buf, sizeof(buf)))
			ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE),
							errmsg("value \"%s\" is not a phone number", value),
							errhint("Pass a number such as 13800138000, 0574-87654321 or 400-820-8820.")));
		return pstrdup(buf);
	}
	if (strcmp(kind, "meeting") == 0 && strchr(value, '@') && norm_email_address(value, buf, sizeof(buf)))
		return pstrdup(buf);
	/* a WeCom userid or meeting account as ingest reads it from payloads:
	 * without the blanks around it; an empty one would match nothing */
	{
		const char *a = value;
		size_t		l = strlen(value);

		while (l > 0 && isspace((unsigned char) *a))
			a++, l--;
		while (l > 0 && isspace((unsigned char) a[l - 1]))
			l--;
		if (l == 0)
			ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE),
							errmsg("%s value must not be empty", kind),
							errhint("Pass the %s as the source system sends it, e.g. %s.", kind,
									strcmp(kind, "wecom") == 0 ? "the external userid wmXXXX" : "the meeting account")));
		return pnstrdup(a, l);
	}
}

PG_FUNCTION_INFO_V1(commhub_normalize_identity);
Datum
commhub_normalize_identity(PG_FUNCTION_ARGS)
{
	char	   *kind = text_to_cstring(PG_GETARG_TEXT_PP(0));
	char	   *value = text_to_cstring(PG_GETARG_TEXT_PP(1));

	check_kind(kind);
	PG_RETURN_TEXT_P(cstring_to_text(normalize_identity(kind, value)));
}

PG_FUNCTION_INFO_V1(commhub_add_identity);
Datum
commhub_add_identity(PG_FUNCTION_ARGS)
{
	char	   *customer_id;
	char	   *kind;
	char	   *value;
	char	   *contact = PG_ARGISNULL(3) ? NULL : text_to_cstring(PG_GETARG_TEXT_PP(3));
	char	   *norm;
	char	   *key;
	Oid			types[5] = {TEXTOID, TEXTOID, TEXTOID, TEXTOID, TEXTOID};
	Datum		args[5];
	char		nulls[5] = {' ', ' ', ' ', ' ', ' '};
	char	   *tenant;

	for (int i = 0; i < 3; i++)
		if (PG_ARGISNULL(i))
			ereport(ERROR, (errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
							errmsg("%s must not be null", i == 0 ? "customer_id" : i == 1 ? "kind" : "value"),
							errhint("add_identity(customer_id, kind, value [, contact_name]).")));
	customer_id = text_to_cstring(PG_GETARG_TEXT_PP(0));
	kind = text_to_cstring(PG_GETARG_TEXT_PP(1));
	value = text_to_cstring(PG_GETARG_TEXT_PP(2));
	check_kind(kind);
	norm = normalize_identity(kind, value);
	if (strcmp(kind, "domain") == 0 && norm_is_freemail_domain(norm))
		ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE),
						errmsg("domain \"%s\" is a public free-mail domain and cannot identify a customer", norm),
						errhint("Add the customer's individual addresses with kind 'email' instead.")));

	SPI_connect();
	tenant = commhub_current_tenant();
	args[0] = CStringGetTextDatum(tenant);
	args[1] = CStringGetTextDatum(customer_id);
	if (SPI_execute_with_args("SELECT 1 FROM commhub.customers WHERE tenant_id = $1 AND customer_id = $2",
							  2, types, args, NULL, false, 1) != SPI_OK_SELECT || SPI_processed != 1)
		ereport(ERROR, (errcode(ERRCODE_FOREIGN_KEY_VIOLATION),
						errmsg("customer_id \"%s\" does not exist", customer_id),
						errhint("Create it first with commhub.add_customer(customer_id, name).")));
	/* The company's own addresses, domains and numbers (add_staff) tell
	 * inbound from outbound; as a customer's they would claim every internal
	 * mail (C1). */
	args[2] = CStringGetTextDatum(kind);
	args[3] = CStringGetTextDatum(norm);
	if (SPI_execute_with_args("SELECT staff_id FROM commhub.staff_identities WHERE tenant_id = $1 "
							  "AND ((kind = $3 AND value = $4) "
							  "  OR ($3 = 'email' AND kind = 'domain' AND value = split_part($4, '@', 2)))",
							  4, types, args, NULL, false, 1) == SPI_OK_SELECT && SPI_processed > 0)
		ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE),
						errmsg("%s \"%s\" belongs to staff member \"%s\" and cannot identify a customer", kind, norm,
							   SPI_getvalue(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1)),
						errhint("add_staff identities are the company's own; add the customer's own %s instead.",
								strcmp(kind, "email") == 0 ? "addresses" : strcmp(kind, "domain") == 0 ? "domain" : "identities")));
	if (contact)
	{
		args[2] = CStringGetTextDatum(contact);
		SPI_execute_with_args("INSERT INTO commhub.contacts (tenant_id, customer_id, name) VALUES ($1, $2, $3) "
							  "ON CONFLICT (tenant_id, customer_id, name) DO NOTHING", 3, types, args, NULL, false, 0);
	}
	else
		nulls[2] = 'n';
	args[2] = contact ? CStringGetTextDatum(contact) : (Datum) 0;
	args[3] = CStringGetTextDatum(kind);
	args[4] = CStringGetTextDatum(norm);
	if (SPI_execute_with_args(
							  "INSERT INTO commhub.customer_identities (tenant_id, kind, value, customer_id, contact_id) "
							  "VALUES ($1, $4, $5, $2, (SELECT contact_id FROM commhub.contacts WHERE tenant_id = $1 AND customer_id = $2 AND name = $3)) "
							  "ON CONFLICT (tenant_id, kind, value) DO UPDATE SET customer_id = EXCLUDED.customer_id, "
							  "contact_id = coalesce(EXCLUDED.contact_id, commhub.customer_identities.contact_id)",
							  5, types, args, nulls, false, 0) != SPI_OK_INSERT)
		elog(ERROR, "commhub: identity insert failed");

	/* C3: attach stored unmatched communications carrying this key. */
	key = psprintf("%s:%s", kind, norm);
	args[2] = CStringGetTextDatum(key);
	/* with the identity's contact, as an ingest after this call would */
	if (SPI_execute_with_args(
							  "UPDATE commhub.customer_communications SET customer_id = $2, match_status = 'matched', updated_at = now(), "
							  /* the simhash bands are scoped by customer (ingest.c, build_row) */
							  "fp_bands = CASE WHEN fp_bands IS NOT NULL THEN ARRAY("
							  "  SELECT ('x' || left(encode(sha256(convert_to($2 || '|' || b || '|' || "
							  "         lpad(to_hex((fingerprint >> (16 * b)) & 65535), 4, '0'), getdatabaseencoding())), 'hex'), 8))::bit(32)::int4 "
							  "    FROM generate_series(0, 3) AS b ORDER BY b) END, "
							  "contact_id = coalesce(contact_id, (SELECT i.contact_id FROM commhub.customer_identities i "
							  "                                   WHERE i.tenant_id = $1 AND i.kind = $4 AND i.value = $5)) "
							  "WHERE tenant_id = $1 AND match_status = 'unmatched' AND identity_keys @> ARRAY[$3] "
							  "RETURNING id",
							  5, types, args, NULL, false, 0) < 0)
		elog(ERROR, "commhub: attaching unmatched records failed");
	if (SPI_processed > 0)
	{
		int			n = (int) SPI_processed;
		Datum	   *ids = palloc(sizeof(Datum) * n);
		Datum		attached;

		for (int i = 0; i < n; i++)
		{
			bool		isnull;

			ids[i] = SPI_getbinval(SPI_tuptable->vals[i], SPI_tuptable->tupdesc, 1, &isnull);
		}
		attached = PointerGetDatum(construct_array(ids, n, INT4OID, 4, true, TYPALIGN_INT));
		SPI_execute_with_args("UPDATE commhub.communication_tasks t SET customer_id = $2 FROM commhub.customer_communications c "
							  "WHERE c.record_id = t.record_id AND c.tenant_id = $1 AND c.customer_id = $2 AND t.customer_id = 'UNMATCHED'",
							  2, types, args, NULL, false, 0);
		/* C3 attaches as if ingested now: the near-duplicates they form with
		 * the customer's other records are linked (A1), with the plans the
		 * ingest makes of the same statements (index access, no JIT: they
		 * are kept for the backend's life) */
		{
			int			guc_level = NewGUCNestLevel();

			(void) set_config_option("enable_seqscan", "off", PGC_USERSET, PGC_S_SESSION,
									 GUC_ACTION_SAVE, true, 0, false);
			(void) set_config_option("jit", "off", PGC_USERSET, PGC_S_SESSION,
									 GUC_ACTION_SAVE, true, 0, false);
			commhub_link_attached(attached, customer_id, tenant);
			AtEOXact_GUC(true, guc_level);
		}
	}
	SPI_finish();
	PG_RETURN_VOID();
}

PG_FUNCTION_INFO_V1(commhub_add_staff);
Datum
commhub_add_staff(PG_FUNCTION_ARGS)
{
	char	   *staff_id;
	char	   *kind;
	char	   *value;
	char	   *norm;
	Oid			types[3] = {TEXTOID, TEXTOID, TEXTOID};
	Datum		args[3];

	for (int i = 0; i < 3; i++)
		if (PG_ARGISNULL(i))
			ereport(ERROR, (errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
							errmsg("%s must not be null", i == 0 ? "staff_id" : i == 1 ? "kind" : "value"),
							errhint("add_staff(staff_id, kind, value).")));
	staff_id = text_to_cstring(PG_GETARG_TEXT_PP(0));
	kind = text_to_cstring(PG_GETARG_TEXT_PP(1));
	value = text_to_cstring(PG_GETARG_TEXT_PP(2));
	check_kind(kind);
	if (strlen(staff_id) > 64)
		ereport(ERROR, (errcode(ERRCODE_STRING_DATA_RIGHT_TRUNCATION), errmsg("staff_id is longer than 64 characters"),
						errhint("Use the staff member's short id, e.g. their WeCom userid.")));
	norm = normalize_identity(kind, value);
	SPI_connect();
	args[0] = CStringGetTextDatum(kind);
	args[1] = CStringGetTextDatum(norm);
	args[2] = CStringGetTextDatum(staff_id);
	if (SPI_execute_with_args("INSERT INTO commhub.staff_identities (tenant_id, kind, value, staff_id) "
							  "VALUES (commhub.current_tenant(), $1, $2, $3) "
							  "ON CONFLICT (tenant_id, kind, value) DO UPDATE SET staff_id = EXCLUDED.staff_id",
							  3, types, args, NULL, false, 0) != SPI_OK_INSERT)
		elog(ERROR, "commhub: staff insert failed");
	SPI_finish();
	PG_RETURN_VOID();
}
