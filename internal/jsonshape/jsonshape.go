// Package jsonshape bounds the shape of a JSON document before anything
// decodes it: decoding into Go values costs tens of bytes per value, so a
// few MiB of tiny nested values can cost a server gigabytes. One linear pass
// over the bytes, no allocation.
package jsonshape

import "fmt"

// Limits bound one document.
type Limits struct {
	// Depth is the deepest nesting of objects and arrays.
	Depth int
	// Containers is the number of objects and arrays, the costly values to decode.
	Containers int
	// Values is the number of values of any kind (array elements and object members).
	Values int
}

// ForBody scales the limits to a body size: a legitimate request (a batch of
// forwards, say) has about one object per 160 bytes and one value per 20.
func ForBody(maxBytes int64) Limits {
	return Limits{Depth: 32, Containers: int(max(maxBytes/160, 64)), Values: int(max(maxBytes/32, 1024))}
}

// Error says which bound a document passed.
type Error struct{ What string }

func (e *Error) Error() string { return e.What }

// Check reports whether doc stays within l. It does not validate JSON
// otherwise: the decoder that runs next does.
func Check(doc []byte, l Limits) error {
	depth, containers, values := 0, 0, 0
	for i := 0; i < len(doc); i++ {
		switch doc[i] {
		case '"':
			for i++; i < len(doc) && doc[i] != '"'; i++ {
				if doc[i] == '\\' {
					i++
				}
			}
		case '{', '[':
			depth++
			containers++
			values++ // each container is a value, and holds one more element than it has commas
			if depth > l.Depth {
				return &Error{fmt.Sprintf("the request nests deeper than %d levels", l.Depth)}
			}
			if containers > l.Containers {
				return &Error{fmt.Sprintf("the request holds more than %d objects and arrays", l.Containers)}
			}
			if values > l.Values {
				return &Error{fmt.Sprintf("the request holds more than %d values", l.Values)}
			}
		case '}', ']':
			depth--
		case ',':
			values++
			if values > l.Values {
				return &Error{fmt.Sprintf("the request holds more than %d values", l.Values)}
			}
		}
	}
	return nil
}
