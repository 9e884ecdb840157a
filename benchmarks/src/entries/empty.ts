// The cold-start group's bare start: a module that does nothing, run as the cold-start child is.
export {};
