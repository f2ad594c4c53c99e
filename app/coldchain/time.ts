// Market time for the cold chain's forms: the market-time module's datetime-local parsing and formatting, and a day's
// date there (a vehicle's trip is one market day).
export { marketDate, parseMarketDateTime, toMarketDateTime } from '../lib/market-time';
