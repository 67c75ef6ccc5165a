-- Issue 25 (二(三)1): 投诉 with its text in a Telegram residents' group is
-- answered with a private link; the text travels with the link, so the
-- private chat goes on from it instead of asking it again.
ALTER TABLE complaint_links ADD COLUMN description text NOT NULL DEFAULT '';
