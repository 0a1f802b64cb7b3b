-- One station's messages for one day, with the hottest battery per message. Partition projection computes the
-- single S3 prefix from the two predicates, so Athena reads only that station-day's objects.
-- aws athena start-query-execution --work-group evswap-archive --query-execution-context Database=evswap_archive \
--   --query-string file://infra/athena/station-day.sql
SELECT payload.boot,
       payload.seq,
       from_iso8601_timestamp(payload.ts)          AS station_ts,
       from_iso8601_timestamp(receivedat)          AS received_at,
       cardinality(filter(payload.slots, s -> s.state = 'ready' AND s.socpct >= 95)) AS available_charged,
       array_max(transform(payload.slots, s -> s.tempc)) AS max_temp_c,
       cardinality(filter(payload.events, e -> e.type = 'swap')) AS swaps
FROM telemetry_v1
WHERE station = 'st-0042'
  AND date = '2026-11-24'
ORDER BY payload.boot, payload.seq;

-- Dead letters by reason for a day:
-- SELECT r AS reason, count(*) FROM rejected_v1 CROSS JOIN UNNEST(reasons) AS t(r)
-- WHERE date = '2026-11-24' GROUP BY r ORDER BY 2 DESC;
