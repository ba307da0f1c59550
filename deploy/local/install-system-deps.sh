#!/usr/bin/env bash
# Install what deploy/local/kafka_broker.py and pg_cluster.py need on a Debian
# or Ubuntu machine: Java 17+ (the Kafka 4.x broker), Maven (fetches Kafka's jars
# from Maven Central) and the PostgreSQL server binaries (initdb, pg_ctl).
#
# Idempotent: when everything is present it installs nothing and does not even
# run apt-get update, so CI can call it on every run at no cost.
set -euo pipefail

log() { printf 'install-system-deps: %s\n' "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

java_major() {
    # Prints the major version of `java` on PATH (or $JAVA_HOME), nothing if absent.
    local java="java"
    if [[ -n "${JAVA_HOME:-}" && -x "${JAVA_HOME}/bin/java" ]]; then
        java="${JAVA_HOME}/bin/java"
    fi
    command -v "$java" >/dev/null 2>&1 || return 0
    "$java" -version 2>&1 | sed -nE '1s/.*version "([0-9]+)(\.[0-9]+)*.*".*/\1/p' | sed 's/^1$/8/'
}

have_java() { local v; v="$(java_major)"; [[ -n "$v" && "$v" -ge 17 ]]; }
have_maven() { command -v mvn >/dev/null 2>&1; }
have_postgres() {
    local bin
    for bin in /usr/lib/postgresql/*/bin; do
        [[ -x "$bin/initdb" && -x "$bin/pg_ctl" ]] && return 0
    done
    command -v initdb >/dev/null 2>&1 && command -v pg_ctl >/dev/null 2>&1
}

run_as_root() {
    if [[ "$(id -u)" -eq 0 ]]; then
        "$@"
    elif command -v sudo >/dev/null 2>&1; then
        sudo "$@"
    else
        die "need root (or sudo) to run: $*"
    fi
}

pick_java_package() {
    # openjdk-17 where the release has it; newer releases only ship later JDKs.
    local pkg
    for pkg in openjdk-17-jre-headless openjdk-21-jre-headless default-jre-headless; do
        if apt-cache show "$pkg" >/dev/null 2>&1; then
            echo "$pkg"
            return 0
        fi
    done
    return 1
}

main() {
    local missing=()
    have_java || missing+=(java)
    have_maven || missing+=(maven)
    have_postgres || missing+=(postgresql)
    if [[ ${#missing[@]} -eq 0 ]]; then
        log "java $(java_major), maven and PostgreSQL server binaries already present"
        return 0
    fi
    command -v apt-get >/dev/null 2>&1 \
        || die "missing: ${missing[*]}; apt-get not found, install them by hand"

    log "missing: ${missing[*]}; installing with apt-get"
    export DEBIAN_FRONTEND=noninteractive
    run_as_root apt-get update -q || die "apt-get update failed"

    local packages=() item java_pkg
    for item in "${missing[@]}"; do
        if [[ "$item" == java ]]; then
            java_pkg="$(pick_java_package)" \
                || die "no Java 17+ runtime package (openjdk-17-jre-headless) available"
            packages+=("$java_pkg")
        else
            packages+=("$item")
        fi
    done
    # --no-upgrade: a package that is installed but not found (PATH) stays as is.
    run_as_root apt-get install -y -q --no-upgrade "${packages[@]}" \
        || die "apt-get install ${packages[*]} failed"

    have_java || die "Java 17+ still not found after installing ${packages[*]}"
    have_maven || die "mvn still not found after installing ${packages[*]}"
    have_postgres || die "initdb/pg_ctl still not found after installing ${packages[*]}"
    log "installed: ${packages[*]}"
}

main "$@"
