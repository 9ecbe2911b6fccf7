#include "src/store/migrations.hpp"

namespace relief {

const std::vector<std::vector<std::string>>& migrations() {
  static const std::vector<std::vector<std::string>> steps = {
      // 1: registries, feeds, claims, rejections, batches, results, payments, ledger
      {
          "CREATE TABLE hospitals (code TEXT PRIMARY KEY, name TEXT NOT NULL, designated INTEGER NOT NULL,"
          " account TEXT NOT NULL, bank_code TEXT NOT NULL, bank_name TEXT NOT NULL)",
          "CREATE TABLE persons (id_number TEXT PRIMARY KEY, name TEXT NOT NULL, hukou TEXT NOT NULL,"
          " dibao TEXT NOT NULL, disability INTEGER NOT NULL, student TEXT NOT NULL,"
          " pension_months INTEGER NOT NULL, residence_months INTEGER NOT NULL, works_in_gz INTEGER NOT NULL,"
          " hardship INTEGER NOT NULL, lives_with_parents INTEGER NOT NULL, parents TEXT NOT NULL)",
          // verdict: 'accepted' or the feed-level code. batch_id: the batch that reported it.
          "CREATE TABLE feeds (seq INTEGER PRIMARY KEY, hospital_code TEXT NOT NULL, feed_id TEXT NOT NULL,"
          " sha256 TEXT NOT NULL, bytes INTEGER NOT NULL, source TEXT NOT NULL, received_at TEXT NOT NULL,"
          " verdict TEXT NOT NULL, detail TEXT NOT NULL, claims_total INTEGER NOT NULL,"
          " claims_accepted INTEGER NOT NULL, claims_rejected INTEGER NOT NULL, batch_id TEXT)",
          "CREATE UNIQUE INDEX feeds_taken ON feeds(hospital_code, feed_id) WHERE verdict = 'accepted'",
          "CREATE INDEX feeds_sha ON feeds(sha256)",
          "CREATE INDEX feeds_unreported ON feeds(seq) WHERE batch_id IS NULL",
          "CREATE TABLE claims (hospital_code TEXT NOT NULL, claim_id TEXT NOT NULL,"
          " feed_seq INTEGER NOT NULL REFERENCES feeds(seq), position INTEGER NOT NULL,"
          " patient_id TEXT NOT NULL, patient_name TEXT NOT NULL, birth_date TEXT NOT NULL, sex TEXT NOT NULL,"
          " visit_type TEXT NOT NULL, admission_date TEXT NOT NULL, discharge_date TEXT NOT NULL,"
          " diagnoses TEXT NOT NULL, accident INTEGER NOT NULL, total_fen INTEGER NOT NULL,"
          " insurance_fen INTEGER NOT NULL, in_scope_fen INTEGER NOT NULL, out_of_scope_fen INTEGER NOT NULL,"
          " special_approval TEXT NOT NULL, batch_id TEXT, PRIMARY KEY (hospital_code, claim_id))",
          "CREATE INDEX claims_queued ON claims(discharge_date, admission_date, hospital_code, claim_id)"
          " WHERE batch_id IS NULL",
          "CREATE INDEX claims_patient ON claims(patient_id)",
          "CREATE TABLE rejections (seq INTEGER PRIMARY KEY, feed_seq INTEGER NOT NULL REFERENCES feeds(seq),"
          " position INTEGER NOT NULL, hospital_code TEXT NOT NULL, feed_id TEXT NOT NULL, claim_id TEXT NOT NULL,"
          " reason TEXT NOT NULL, detail TEXT NOT NULL, batch_id TEXT)",
          "CREATE INDEX rejections_unreported ON rejections(seq) WHERE batch_id IS NULL",
          "CREATE INDEX rejections_batch ON rejections(batch_id, seq)",
          "CREATE TABLE batches (batch_id TEXT PRIMARY KEY, batch_date TEXT NOT NULL, seq INTEGER NOT NULL,"
          " created_at TEXT NOT NULL, feeds INTEGER NOT NULL, claims INTEGER NOT NULL,"
          " rejections INTEGER NOT NULL, published INTEGER NOT NULL, UNIQUE (batch_date, seq))",
          "CREATE TABLE results (batch_id TEXT NOT NULL REFERENCES batches(batch_id), position INTEGER NOT NULL,"
          " hospital_code TEXT NOT NULL, claim_id TEXT NOT NULL, feed_id TEXT NOT NULL, patient_id TEXT NOT NULL,"
          " discharge_date TEXT NOT NULL, burden_fen INTEGER NOT NULL, total_paid_fen INTEGER NOT NULL,"
          " paid TEXT NOT NULL, trace TEXT NOT NULL, PRIMARY KEY (batch_id, position))",
          "CREATE UNIQUE INDEX results_claim ON results(hospital_code, claim_id)",
          "CREATE TABLE payments (end_to_end_id TEXT PRIMARY KEY, batch_id TEXT NOT NULL REFERENCES batches(batch_id),"
          " channel TEXT NOT NULL, position INTEGER NOT NULL, result_position INTEGER NOT NULL,"
          " hospital_code TEXT NOT NULL, hospital_name TEXT NOT NULL, account TEXT NOT NULL,"
          " bank_code TEXT NOT NULL, claim_id TEXT NOT NULL, patient_id TEXT NOT NULL,"
          " discharge_date TEXT NOT NULL, amount_fen INTEGER NOT NULL CHECK (amount_fen > 0),"
          " UNIQUE (batch_id, channel, position))",
          "CREATE TABLE batch_channels (batch_id TEXT NOT NULL REFERENCES batches(batch_id), channel TEXT NOT NULL,"
          " payments INTEGER NOT NULL, total_fen INTEGER NOT NULL, ledger_increase_fen INTEGER NOT NULL,"
          " claims_eligible INTEGER NOT NULL, claims_paid INTEGER NOT NULL, claims_cut INTEGER NOT NULL,"
          " claims_cap_spent INTEGER NOT NULL,"
          " fund_name TEXT NOT NULL, fund_account TEXT NOT NULL, fund_bank_code TEXT NOT NULL,"
          " order_index INTEGER NOT NULL, PRIMARY KEY (batch_id, channel))",
          "CREATE TABLE ledger (id_number TEXT NOT NULL, channel TEXT NOT NULL, year INTEGER NOT NULL,"
          " used_fen INTEGER NOT NULL CHECK (used_fen >= 0), PRIMARY KEY (id_number, channel, year))",
      },
      // 2: upload API (relief serve): tokens (only the SHA-256 of each), the
      // audit log of every request, and the Idempotency-Key replies.
      {
          "CREATE TABLE api_tokens (token_id TEXT PRIMARY KEY, sha256 TEXT NOT NULL UNIQUE, role TEXT NOT NULL,"
          " created_at TEXT NOT NULL, revoked_at TEXT)",
          "CREATE TABLE api_audit (seq INTEGER PRIMARY KEY, at TEXT NOT NULL, role TEXT NOT NULL,"
          " token_id TEXT NOT NULL, method TEXT NOT NULL, endpoint TEXT NOT NULL, subject TEXT NOT NULL,"
          " status INTEGER NOT NULL, verdict TEXT NOT NULL)",
          "CREATE TABLE api_idempotency (principal TEXT NOT NULL, idem_key TEXT NOT NULL, sha256 TEXT NOT NULL,"
          " status INTEGER NOT NULL, body TEXT NOT NULL, created_at TEXT NOT NULL, PRIMARY KEY (principal, idem_key))",
          // the API's lookups of one claim's rejections and of a FeedId across hospitals
          "CREATE INDEX rejections_claim ON rejections(hospital_code, claim_id)",
          "CREATE INDEX feeds_feed_id ON feeds(feed_id)",
      },
      // reconciliation (relief reconcile, SPEC 6): statements imported (the
      // same bytes twice change nothing), their booked lines (a line an
      // earlier statement brought is not stored twice), and payment states
      // (a payment without a row is outstanding).
      {
          "CREATE TABLE statements (seq INTEGER PRIMARY KEY, channel TEXT NOT NULL, sha256 TEXT NOT NULL,"
          " bytes INTEGER NOT NULL, source TEXT NOT NULL, format TEXT NOT NULL, statement_ids TEXT NOT NULL,"
          " accounts TEXT NOT NULL, imported_at TEXT NOT NULL, lines INTEGER NOT NULL, lines_new INTEGER NOT NULL,"
          " lines_seen_before INTEGER NOT NULL, lines_not_booked INTEGER NOT NULL, UNIQUE (channel, sha256))",
          "CREATE TABLE statement_lines (seq INTEGER PRIMARY KEY,"
          " statement_seq INTEGER NOT NULL REFERENCES statements(seq), channel TEXT NOT NULL,"
          " entry INTEGER NOT NULL, tx INTEGER NOT NULL, fingerprint TEXT NOT NULL, booking_date TEXT NOT NULL,"
          " credit INTEGER NOT NULL, reversal INTEGER NOT NULL, amount_fen INTEGER NOT NULL CHECK (amount_fen >= 0),"
          " end_to_end_id TEXT NOT NULL, pmt_inf_id TEXT NOT NULL, acct_svcr_ref TEXT NOT NULL,"
          " batch_tx_count INTEGER NOT NULL, state TEXT NOT NULL, matched TEXT NOT NULL, detail TEXT NOT NULL,"
          " UNIQUE (channel, fingerprint))",
          "CREATE INDEX statement_lines_order ON statement_lines(channel, booking_date, statement_seq, entry, tx)",
          "CREATE TABLE payment_states (end_to_end_id TEXT PRIMARY KEY REFERENCES payments(end_to_end_id),"
          " channel TEXT NOT NULL, state TEXT NOT NULL, debited_fen INTEGER NOT NULL, returned_fen INTEGER NOT NULL,"
          " booking_date TEXT NOT NULL, line_seq INTEGER NOT NULL, detail TEXT NOT NULL, changed_at TEXT NOT NULL)",
          "CREATE INDEX payment_states_channel ON payment_states(channel, state)",
      },
      // 4: traces in zstd blocks (src/store/trace_blocks.hpp): results of
      // this version on keep an empty `trace` and their text lives here. The
      // claims_patient index was never read and cost every ingest a random
      // B-tree insert per claim.
      {
          "CREATE TABLE result_traces (batch_id TEXT NOT NULL REFERENCES batches(batch_id),"
          " first_position INTEGER NOT NULL, results INTEGER NOT NULL CHECK (results > 0),"
          " text_bytes INTEGER NOT NULL, zstd BLOB NOT NULL, PRIMARY KEY (batch_id, first_position))",
          "DROP INDEX claims_patient",
      },
      // 5: fewer random B-tree inserts per claim. Queued claims are found by
      // feed (inserted in order) instead of by date; a claim row says where
      // its result is (batch_id, result_position), so results are one
      // WITHOUT ROWID B-tree in batch order with no second index.
      {
          "ALTER TABLE claims ADD COLUMN result_position INTEGER",
          "UPDATE claims SET result_position = (SELECT r.position FROM results r"
          " WHERE r.hospital_code = claims.hospital_code AND r.claim_id = claims.claim_id) WHERE batch_id IS NOT NULL",
          "DROP INDEX claims_queued",
          "CREATE INDEX claims_queued ON claims(feed_seq) WHERE batch_id IS NULL",
          "CREATE TABLE results_v5 (batch_id TEXT NOT NULL REFERENCES batches(batch_id), position INTEGER NOT NULL,"
          " hospital_code TEXT NOT NULL, claim_id TEXT NOT NULL, feed_id TEXT NOT NULL, patient_id TEXT NOT NULL,"
          " discharge_date TEXT NOT NULL, burden_fen INTEGER NOT NULL, total_paid_fen INTEGER NOT NULL,"
          " paid TEXT NOT NULL, trace TEXT NOT NULL, PRIMARY KEY (batch_id, position)) WITHOUT ROWID",
          "INSERT INTO results_v5 (batch_id, position, hospital_code, claim_id, feed_id, patient_id, discharge_date,"
          " burden_fen, total_paid_fen, paid, trace) SELECT batch_id, position, hospital_code, claim_id, feed_id,"
          " patient_id, discharge_date, burden_fen, total_paid_fen, paid, trace FROM results",
          "DROP TABLE results",
          "ALTER TABLE results_v5 RENAME TO results",
      },
      // 6: persons and the ledger keyed by their primary key alone (WITHOUT
      // ROWID): the batch looks up every claim's patient and their ledger
      // rows, and a rowid table made each look-up two B-tree searches.
      {
          "CREATE TABLE persons_v6 (id_number TEXT PRIMARY KEY, name TEXT NOT NULL, hukou TEXT NOT NULL,"
          " dibao TEXT NOT NULL, disability INTEGER NOT NULL, student TEXT NOT NULL,"
          " pension_months INTEGER NOT NULL, residence_months INTEGER NOT NULL, works_in_gz INTEGER NOT NULL,"
          " hardship INTEGER NOT NULL, lives_with_parents INTEGER NOT NULL, parents TEXT NOT NULL) WITHOUT ROWID",
          "INSERT INTO persons_v6 SELECT id_number, name, hukou, dibao, disability, student, pension_months,"
          " residence_months, works_in_gz, hardship, lives_with_parents, parents FROM persons",
          "DROP TABLE persons",
          "ALTER TABLE persons_v6 RENAME TO persons",
          "CREATE TABLE ledger_v6 (id_number TEXT NOT NULL, channel TEXT NOT NULL, year INTEGER NOT NULL,"
          " used_fen INTEGER NOT NULL CHECK (used_fen >= 0), PRIMARY KEY (id_number, channel, year)) WITHOUT ROWID",
          "INSERT INTO ledger_v6 SELECT id_number, channel, year, used_fen FROM ledger",
          "DROP TABLE ledger",
          "ALTER TABLE ledger_v6 RENAME TO ledger",
      },
      // 7: a claim's result is a row of its own (claim_results, appended in
      // claim row order at the end of a batch) instead of two columns of the
      // claim: marking 1M claims rewrote and grew every claim row (page
      // splits), ~4 times the cost of appending narrow rows. A claim is
      // queued while its feed is (feeds.batch_id IS NULL): a feed's claims
      // always go into one batch together.
      {
          "CREATE TABLE claim_results (claim_row INTEGER PRIMARY KEY, batch_id TEXT NOT NULL"
          " REFERENCES batches(batch_id), result_position INTEGER NOT NULL)",
          "INSERT INTO claim_results (claim_row, batch_id, result_position)"
          " SELECT rowid, batch_id, result_position FROM claims WHERE batch_id IS NOT NULL ORDER BY rowid",
          "DROP INDEX claims_queued",
          "ALTER TABLE claims DROP COLUMN result_position",
          "ALTER TABLE claims DROP COLUMN batch_id",
          "CREATE INDEX claims_feed ON claims(feed_seq)",
          "CREATE INDEX feeds_batch ON feeds(batch_id)",
      },
      // 8: a feed whose claims are stored in processing order, in consecutive
      // rows, says where they start (claims_accepted says how many): a batch
      // merges such feeds instead of sorting their claims. NULL: document
      // order (feeds stored before, and feeds too big to hold whole).
      {
          "ALTER TABLE feeds ADD COLUMN first_claim_row INTEGER",
      },
      // 9: the results of a feed stored in processing order are found through
      // one row per feed instead of one claim_results row per claim (a
      // batch of 1M claims appended 1M rows at its end, on one core):
      // `positions` holds, for its claim rows first_claim_row, +1, ..., the
      // result position as 4 bytes, little-endian. Other claims keep
      // claim_results.
      {
          "CREATE TABLE feed_results (feed_seq INTEGER PRIMARY KEY REFERENCES feeds(seq), batch_id TEXT NOT NULL"
          " REFERENCES batches(batch_id), positions BLOB NOT NULL)",
      },
      // 10: a batch's results are stored whole in their blocks (layout 2:
      // each line the result's fields, then its trace), not as one `results`
      // row each (a 1M batch inserted 1M rows of ~115 bytes into the WAL).
      // Layout 1 blocks hold traces only, beside `results` rows.
      {
          "ALTER TABLE result_traces ADD COLUMN layout INTEGER NOT NULL DEFAULT 1 CHECK (layout IN (1, 2))",
      },
  };
  return steps;
}

}  // namespace relief
