package store

import (
	"context"
	"time"
)

// Question is a steward's question to the exchange group.
type Question struct {
	ID         int64  `db:"id"`
	PersonID   int64  `db:"person_id"`
	PersonName string `db:"person_name"`
	Text       string `db:"text"`
	Answer     string `db:"answer"`
}

// AskQuestion records a question.
func (q *Queries) AskQuestion(ctx context.Context, personID int64, text string, at time.Time) (int64, error) {
	var id int64
	err := q.db.GetContext(ctx, &id, `INSERT INTO questions (person_id, text, created_at) VALUES ($1, $2, $3) RETURNING id`, personID, text, at)
	return id, wrap("ask", err)
}

// QuestionByID reads a question FOR UPDATE.
func (q *Queries) QuestionByID(ctx context.Context, id int64) (Question, error) {
	var qu Question
	err := q.db.GetContext(ctx, &qu, `SELECT q.id, q.person_id, p.name AS person_name, q.text, q.answer FROM questions q
		JOIN people p ON p.id = q.person_id WHERE q.id = $1 FOR UPDATE OF q`, id)
	return qu, wrap("question", notFound(err))
}

// AnswerQuestion records an answer.
func (q *Queries) AnswerQuestion(ctx context.Context, id, by int64, answer string, at time.Time) error {
	_, err := q.db.ExecContext(ctx, `UPDATE questions SET answer = $3, answered_by = $2, answered_at = $4 WHERE id = $1`, id, by, answer, at)
	return wrap("answer question", err)
}
