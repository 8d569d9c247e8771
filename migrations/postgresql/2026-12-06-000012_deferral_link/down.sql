-- the titles' old suffix is not restored
SELECT 1;
