#!/usr/bin/env bash
# P1 on a live cluster: install_schedules() registers the seed's jobs with
# pg_cron (09:00 Asia/Shanghai = 01:00 UTC), is idempotent, and
# uninstall_schedules() removes exactly those; a one-minute job that runs
# commhub.run_scheduled() really fires under pg_cron and succeeds.
set -u
cd "$(dirname "$0")/../.."
. test/lib/common.sh
q "CREATE EXTENSION IF NOT EXISTS pg_cron" >/dev/null
q "CREATE EXTENSION IF NOT EXISTS commhub" >/dev/null
q "SELECT commhub.add_customer('CRON-C', '定时任务客户', 'high')" >/dev/null
q "SELECT commhub.ingest('visit', jsonb_build_object('visit_id', 'CRON-V1', 'customer_id', 'CRON-C', 'visit_date', now()::text,
     'content', '客户投诉质量问题,提到金发科技价格更低'))" >/dev/null
q "SELECT cron.schedule('e2e_other_job', '0 3 * * *', 'SELECT 1')" >/dev/null
installed=$(q "SELECT count(*) FROM commhub.install_schedules()")
tap_ok $([ "$installed" -ge 4 ]; echo $?) "install_schedules() registered $installed jobs"
tap_ok $([ "$(q "SELECT schedule FROM cron.job WHERE jobname = 'commhub_daily'")" = "0 1 * * *" ]; echo $?) "daily 09:00 Asia/Shanghai is '0 1 * * *' in UTC"
tap_ok $([ "$(q "SELECT schedule FROM cron.job WHERE jobname = 'commhub_weekly'")" = "0 1 * * 1" ]; echo $?) "weekly Monday 09:00 is '0 1 * * 1'"
tap_ok $([ "$(q "SELECT schedule FROM cron.job WHERE jobname = 'commhub_monthly'")" = "0 1 1 * *" ]; echo $?) "monthly 1st 09:00 is '0 1 1 * *'"
tap_ok $([ "$(q "SELECT schedule FROM cron.job WHERE jobname = 'commhub_risk_5min'")" = "*/5 * * * *" ]; echo $?) "risk check every 5 minutes"
before=$(q "SELECT count(*) FROM cron.job")
q "SELECT count(*) FROM commhub.install_schedules()" >/dev/null
tap_ok $([ "$(q "SELECT count(*) FROM cron.job")" = "$before" ]; echo $?) "installing twice is idempotent ($before jobs)"

# Tenants: each has its own report jobs; the view refresh (the views hold
# every tenant's rows) is one shared job.  A per-tenant one as 0.4.0 made it:
q "SELECT cron.schedule('commhub_refresh_views_t002', '*/15 * * * *', 'SELECT 1')" >/dev/null
q "SET commhub.tenant = 'T002'; SELECT count(*) FROM commhub.install_schedules()" >/dev/null
tap_ok $([ "$(q "SELECT count(*) FROM cron.job WHERE jobname LIKE 'commhub\_refresh\_views%'")" = 1 ] &&
         [ "$(q "SELECT count(*) FROM cron.job WHERE jobname = 'commhub_daily_t002' AND command LIKE 'SET commhub.tenant = ''T002''; %'")" = 1 ]; echo $?) \
   "a second tenant gets its own daily job and shares the one view-refresh job (its 0.4.0 one is removed)"
q "SET commhub.tenant = 'T002'; SELECT count(*) FROM commhub.uninstall_schedules()" >/dev/null
tap_ok $([ "$(q "SELECT count(*) FROM cron.job WHERE jobname LIKE 'commhub\_%\_t002'")" = 0 ] &&
         [ "$(q "SELECT count(*) FROM cron.job WHERE jobname = 'commhub_refresh_views'")" = 1 ]; echo $?) \
   "uninstalling the second tenant keeps the shared refresh job the first still uses"

# A one-minute job running the same entry point the schedules use.
q "SELECT cron.schedule('commhub_e2e_minute', '* * * * *', \$\$SELECT commhub.run_scheduled('risk_5min')\$\$)" >/dev/null
fired=1
for _ in $(seq 1 90); do
    st=$(q "SELECT d.status FROM cron.job_run_details d JOIN cron.job j USING (jobid) WHERE j.jobname = 'commhub_e2e_minute' ORDER BY d.runid DESC LIMIT 1")
    if [ "$st" = succeeded ]; then fired=0; break; fi
    if [ "$st" = failed ]; then echo "# $(q "SELECT return_message FROM cron.job_run_details d JOIN cron.job j USING (jobid) WHERE j.jobname = 'commhub_e2e_minute' ORDER BY d.runid DESC LIMIT 1")"; break; fi
    sleep 1
done
tap_ok $fired "pg_cron fired the one-minute job and commhub.run_scheduled('risk_5min') succeeded"
tap_ok $([ "$(q "SELECT count(*) FROM commhub.communication_insights WHERE customer_id = 'CRON-C' AND insight_type = 'risk'")" -ge 1 ]; echo $?) \
   "the scheduled run stored risk insights for the high-priority customer"
q "SELECT cron.unschedule('commhub_e2e_minute')" >/dev/null
removed=$(q "SELECT count(*) FROM commhub.uninstall_schedules()")
tap_ok $([ "$(q "SELECT count(*) FROM cron.job WHERE jobname LIKE 'commhub_%'")" = 0 ]; echo $?) "uninstall_schedules() removed the $removed commhub jobs"
tap_ok $([ "$(q "SELECT count(*) FROM cron.job WHERE jobname = 'e2e_other_job'")" = 1 ]; echo $?) "and left other jobs alone"
q "SELECT cron.unschedule('e2e_other_job')" >/dev/null
tap_done
