// Account rules the browser shows too (hints), kept out of server-only modules so both sides agree.
export const PASSWORD_MIN = 10;
