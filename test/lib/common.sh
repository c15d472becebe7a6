# test/lib/common.sh -- shared by test/run.sh, test/demo/run.sh and bench/run.sh:
# install what is missing, build and install the extension, and run a
# throwaway PostgreSQL 15 cluster (non-root OS user, temp dir, free port,
# private socket dir, pg_cron + commhub preloaded).  Source it; it defines
# functions only.

PGBIN=${PGBIN:-/usr/lib/postgresql/15/bin}
export PGCLIENTENCODING=UTF8 LC_ALL=C.UTF-8
REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
DEB_PACKAGES="build-essential postgresql-15 postgresql-server-dev-15 postgresql-15-cron
  postgresql-15-pgtap libtap-parser-sourcehandler-pgtap-perl libcurl4-openssl-dev
  libjansson-dev python3 dovecot-imapd openssl curl valgrind"

log() { printf '== %s\n' "$*" >&2; }

# apt-get only what is missing, and update the index once, only if needed.
ensure_packages() {
    local missing=()
    for p in $DEB_PACKAGES; do
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
    done
    [ ${#missing[@]} -eq 0 ] && return 0
    if [ "$(id -u)" -ne 0 ]; then
        log "missing packages (${missing[*]}) and not root: install them first"; return 1
    fi
    log "installing: ${missing[*]}"
    apt-get update -qq >/dev/null || return 1
    # Debian's postgresql-common would create and start a main cluster; we do not want one.
    mkdir -p /etc/postgresql-common
    grep -qs '^create_main_cluster' /etc/postgresql-common/createcluster.conf ||
        echo 'create_main_cluster = false' >> /etc/postgresql-common/createcluster.conf
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

build_and_install() {
    log "building commhub"
    make -C "$REPO" -s -j2 >/dev/null || return 1
    if [ "$(id -u)" -eq 0 ]; then
        make -C "$REPO" -s install >/dev/null || return 1
    else
        sudo make -C "$REPO" -s install >/dev/null || return 1
    fi
}

# The OS user that owns the cluster: postgres when we are root.
_as_owner() {
    if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

free_port() {
    local p
    for p in $(seq "${1:-55432}" 60999); do
        (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null || { echo "$p"; return 0; }
    done
    return 1
}

# start_cluster [extra postgresql.conf lines...]
# Exports PGHOST PGPORT PGUSER CLUSTER_DIR; registers stop_cluster on EXIT.
start_cluster() {
    CLUSTER_DIR=$(mktemp -d /tmp/commhub-pg.XXXXXX)
    chmod 755 "$CLUSTER_DIR"
    [ "$(id -u)" -eq 0 ] && chown postgres: "$CLUSTER_DIR"
    PGPORT=$(free_port) || { log "no free port"; return 1; }
    export PGHOST="$CLUSTER_DIR" PGPORT PGUSER=postgres CLUSTER_DIR
    _as_owner "$PGBIN/initdb" -D "$CLUSTER_DIR/data" -U postgres -A trust -E UTF8 \
        --locale=C.UTF-8 >"$CLUSTER_DIR/initdb.log" 2>&1 || { cat "$CLUSTER_DIR/initdb.log"; return 1; }
    {
        echo "listen_addresses = '127.0.0.1'"
        echo "port = $PGPORT"
        echo "unix_socket_directories = '$CLUSTER_DIR'"
        echo "shared_preload_libraries = 'pg_cron,commhub'"
        echo "cron.database_name = 'commhub'"
        echo "cron.use_background_workers = on"
        echo "commhub.database = 'commhub'"
        echo "commhub.workers = 2"
        echo "max_worker_processes = 16"
        echo "fsync = off"
        echo "synchronous_commit = off"
        echo "log_min_messages = warning"
        echo "timezone = 'Asia/Shanghai'"
        for l in "$@"; do echo "$l"; done
    } | _as_owner tee -a "$CLUSTER_DIR/data/postgresql.conf" >/dev/null
    trap stop_cluster EXIT
    _as_owner "$PGBIN/pg_ctl" -D "$CLUSTER_DIR/data" -l "$CLUSTER_DIR/server.log" -w -t 60 start >/dev/null ||
        { cat "$CLUSTER_DIR/server.log"; return 1; }
    "$PGBIN/psql" -X -q -d postgres -c "CREATE DATABASE commhub" >/dev/null
    log "cluster up: port $PGPORT, socket dir $CLUSTER_DIR"
}

stop_cluster() {
    [ -n "${CLUSTER_DIR:-}" ] && [ -d "$CLUSTER_DIR/data" ] || return 0
    _as_owner "$PGBIN/pg_ctl" -D "$CLUSTER_DIR/data" -m fast -w -t 30 stop >/dev/null 2>&1 ||
        _as_owner "$PGBIN/pg_ctl" -D "$CLUSTER_DIR/data" -m immediate stop >/dev/null 2>&1
    if [ -n "${KEEP_CLUSTER:-}" ]; then log "kept $CLUSTER_DIR"; else rm -rf "$CLUSTER_DIR"; fi
    CLUSTER_DIR=
}

# psql against the test cluster: psql_db DB [psql args...]
psql_db() { local db=$1; shift; "$PGBIN/psql" -X -v ON_ERROR_STOP=1 -d "$db" "$@"; }

# TAP helpers for the end-to-end scripts: tap_ok STATUS DESCRIPTION (0 = ok),
# tap_done prints the count and returns non-zero on any failure; q runs one
# statement in database commhub, unaligned.
TAP_N=0
TAP_FAILS=0
tap_ok() {
    TAP_N=$((TAP_N + 1))
    if [ "$1" = 0 ]; then echo "ok $TAP_N - $2"; else echo "not ok $TAP_N - $2"; TAP_FAILS=$((TAP_FAILS + 1)); fi
}
tap_done() { echo "# $TAP_N checks, $TAP_FAILS failed"; [ "$TAP_FAILS" -eq 0 ]; }
q() { psql_db commhub -At -c "$1" 2>&1; }
