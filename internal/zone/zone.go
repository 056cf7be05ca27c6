// Package zone loads time zones by IANA name once per process: the standard
// library reads and parses the zone file on every time.LoadLocation, which a
// list of fifty cases would otherwise pay fifty times a request.
package zone

import (
	"sync"
	"time"
)

// loaded holds the zones found; the tz database bounds it (a few hundred names).
var loaded sync.Map // name → *time.Location

// Load is time.LoadLocation, remembered for names that exist.
func Load(name string) (*time.Location, error) {
	if loc, ok := loaded.Load(name); ok {
		return loc.(*time.Location), nil
	}
	loc, err := time.LoadLocation(name)
	if err != nil {
		return nil, err
	}
	loaded.Store(name, loc)
	return loc, nil
}
