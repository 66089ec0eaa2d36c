"""SQL macros for cleaning the publishers' strings: IDs, NPIs, ZIPs, dates, numbers.

They live with the store because the build connection defines them; the ingest transforms
(docfinder.ingest.transforms) are written with them.
"""

MACROS = r"""
CREATE OR REPLACE MACRO nz(s) AS NULLIF(trim(s), '');
CREATE OR REPLACE MACRO quote(s) AS '"' || left(s, 80) || '"';
CREATE OR REPLACE MACRO clean_id(s) AS NULLIF(regexp_replace(trim(s), '\.0+$', ''), '');
CREATE OR REPLACE MACRO digit(s, i) AS CAST(substr(s, i, 1) AS INTEGER);
CREATE OR REPLACE MACRO luhn2(d) AS CASE WHEN d * 2 > 9 THEN d * 2 - 9 ELSE d * 2 END;
CREATE OR REPLACE MACRO npi_luhn(s) AS (24 + luhn2(digit(s, 1)) + digit(s, 2) + luhn2(digit(s, 3))
    + digit(s, 4) + luhn2(digit(s, 5)) + digit(s, 6) + luhn2(digit(s, 7)) + digit(s, 8)
    + luhn2(digit(s, 9)) + digit(s, 10)) % 10 = 0;
CREATE OR REPLACE MACRO npi_problem(s) AS CASE
    WHEN clean_id(s) IS NULL THEN 'NPI is missing'
    WHEN NOT regexp_full_match(clean_id(s), '[0-9]{10}') THEN 'NPI must be 10 digits'
    WHEN NOT npi_luhn(clean_id(s)) THEN 'NPI fails the check digit (Luhn with prefix 80840)'
    END;
CREATE OR REPLACE MACRO npi_value(s) AS TRY_CAST(clean_id(s) AS BIGINT);
CREATE OR REPLACE MACRO zip_digits(s) AS regexp_replace(COALESCE(clean_id(s), ''), '[^0-9]', '', 'g');
CREATE OR REPLACE MACRO zip_full(s) AS CASE
    WHEN length(zip_digits(s)) IN (5, 9) THEN zip_digits(s)
    WHEN length(zip_digits(s)) IN (3, 4) THEN lpad(zip_digits(s), 5, '0')
    WHEN length(zip_digits(s)) IN (7, 8) THEN lpad(zip_digits(s), 9, '0')
    END;
CREATE OR REPLACE MACRO zip_bad(s, country) AS
    nz(s) IS NOT NULL AND zip_full(s) IS NULL AND COALESCE(nz(country), 'US') = 'US';
CREATE OR REPLACE MACRO to_date(s) AS
    COALESCE(try_strptime(nz(s), '%m/%d/%Y'), try_strptime(nz(s), '%Y-%m-%d'))::DATE;
CREATE OR REPLACE MACRO date_bad(s) AS nz(s) IS NOT NULL AND to_date(s) IS NULL;
CREATE OR REPLACE MACRO num(s) AS TRY_CAST(replace(replace(nz(s), ',', ''), '$', '') AS DOUBLE);
CREATE OR REPLACE MACRO num_bad(s) AS nz(s) IS NOT NULL AND num(s) IS NULL;
CREATE OR REPLACE MACRO count_bad(s) AS num_bad(s) OR num(s) < 0 OR num(s) > 2147483647;
CREATE OR REPLACE MACRO phone(s) AS NULLIF(regexp_replace(COALESCE(clean_id(s), ''), '[^0-9]', '', 'g'), '');
CREATE OR REPLACE MACRO coord_bad(lat, lon) AS num(lat) IS NULL OR num(lon) IS NULL
    OR abs(num(lat)) > 90 OR abs(num(lon)) > 180 OR (num(lat) = 0 AND num(lon) = 0);
"""

__all__ = ["MACROS"]
