#!/bin/bash
# Runs once, when the InfluxDB 2 container initialises an empty data volume (after the
# DOCKER_INFLUXDB_INIT_* setup has created the org, the bucket and the admin token):
# maps the InfluxQL database/retention policy hubsense queries to the bucket (DBRP).
# hubsense's store also creates this mapping on start if it is missing.
set -euo pipefail
bucket_id="${DOCKER_INFLUXDB_INIT_BUCKET_ID:-}"
if [ -z "$bucket_id" ]; then
    bucket_id=$(influx bucket list --org "$DOCKER_INFLUXDB_INIT_ORG" \
        --name "$DOCKER_INFLUXDB_INIT_BUCKET" --hide-headers | cut -f1)
fi
influx v1 dbrp create \
    --org "$DOCKER_INFLUXDB_INIT_ORG" \
    --bucket-id "$bucket_id" \
    --db "${HUBSENSE_INFLUX_DATABASE:-hubsense}" \
    --rp autogen \
    --default
