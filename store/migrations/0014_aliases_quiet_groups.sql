-- Issue 14: an alley's other names (菊儿, 菊儿胡同北口), matched in a typed
-- address; a residents' group that does not want to hear of each new report
-- (it still hears of dispatch, progress and the result).
ALTER TABLE alleys ADD COLUMN aliases text[] NOT NULL DEFAULT '{}';
ALTER TABLE chats ADD COLUMN notify_reports boolean NOT NULL DEFAULT true;
