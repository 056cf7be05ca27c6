package graph

import (
	"context"
	"net/http"
	"time"

	"github.com/google/uuid"
	"github.com/vikstrous/dataloadgen"

	"github.com/leaktrail/leaktrail/auth"
	"github.com/leaktrail/leaktrail/incident"
)

// Loaders batch the lookups of one request. Each batch function returns a map
// by key, so rows may come back in any order and missing keys are reported.
type Loaders struct {
	Users *dataloadgen.Loader[uuid.UUID, auth.User]
	Tasks *dataloadgen.Loader[uuid.UUID, []incident.Task]
}

const loaderWait = time.Millisecond

func newLoaders(r *Resolver) *Loaders {
	return &Loaders{
		Users: dataloadgen.NewMappedLoader(func(ctx context.Context, ids []uuid.UUID) (map[uuid.UUID]auth.User, error) {
			users, err := r.AuthService.UsersByIDs(ctx, ids)
			out := make(map[uuid.UUID]auth.User, len(users))
			for _, u := range users {
				out[u.ID] = u
			}
			return out, err
		}, dataloadgen.WithWait(loaderWait)),
		Tasks: dataloadgen.NewMappedLoader(func(ctx context.Context, ids []uuid.UUID) (map[uuid.UUID][]incident.Task, error) {
			tasks, err := r.IncidentService.TasksOf(ctx, ids)
			out := make(map[uuid.UUID][]incident.Task, len(ids))
			for _, id := range ids {
				out[id] = []incident.Task{} // an incident without tasks is not a missing key
			}
			for _, t := range tasks {
				out[t.IncidentID] = append(out[t.IncidentID], t)
			}
			return out, err
		}, dataloadgen.WithWait(loaderWait)),
	}
}

type loadersKey struct{}

// WithLoaders gives every request its own loaders, so nothing is cached across requests.
func (r *Resolver) WithLoaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		ctx := context.WithValue(req.Context(), loadersKey{}, newLoaders(r))
		next.ServeHTTP(w, req.WithContext(ctx))
	})
}

func loaders(ctx context.Context) *Loaders {
	return ctx.Value(loadersKey{}).(*Loaders)
}

// user loads a user by id; nil id gives nil.
func user(ctx context.Context, id *uuid.UUID) (*auth.User, error) {
	if id == nil {
		return nil, nil
	}
	return ptr(loaders(ctx).Users.Load(ctx, *id))
}
