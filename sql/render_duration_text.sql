-- A3/A5: durations as the timeline shows them.  Under an hour they round to
-- the minute, so 59:30 and more is 1小时, not "60分钟".
SELECT s, commhub.duration_text(s)
  FROM unnest(ARRAY[0, 45, 89, 90, 899, 3569, 3570, 3599, 3600, 3659, 3660, 5400, 7199, 7200]) s;
