-- Issue 25: a department's plan in a sentence with its 限期整改 (三(四)2).
ALTER TABLE cases ADD COLUMN plan_text text NOT NULL DEFAULT '';
