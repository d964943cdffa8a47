/** Name pools for organisations, people and documents: enough variety that a fleet reads like a real one. */

export const ORG_NAMES: readonly (readonly [string, string])[] = [
  ['acme', 'Acme Corp'],
  ['globex', 'Globex'],
  ['initech', 'Initech'],
  ['umbrella', 'Umbrella Health'],
  ['hooli', 'Hooli'],
  ['vandelay', 'Vandelay Industries'],
  ['wayne', 'Wayne Enterprises'],
  ['stark', 'Stark Industries'],
  ['tyrell', 'Tyrell Corporation'],
  ['cyberdyne', 'Cyberdyne Systems'],
  ['soylent', 'Soylent'],
  ['wonka', 'Wonka Foods'],
  ['oscorp', 'Oscorp'],
  ['aperture', 'Aperture Science'],
  ['massive', 'Massive Dynamic'],
  ['dunder', 'Dunder Mifflin'],
  ['monarch', 'Monarch Solutions'],
  ['gekko', 'Gekko & Co'],
  ['sterling', 'Sterling Cooper'],
  ['prestige', 'Prestige Worldwide'],
];

export const FIRST_NAMES: readonly string[] = [
  'James', 'Mary', 'Robert', 'Patricia', 'John', 'Jennifer', 'Michael', 'Linda', 'David', 'Elizabeth', 'William', 'Barbara', 'Richard', 'Susan',
  'Joseph', 'Jessica', 'Thomas', 'Sarah', 'Carlos', 'Karen', 'Priya', 'Nancy', 'Wei', 'Lisa', 'Daniel', 'Betty', 'Ahmed', 'Margaret', 'Mark',
  'Sandra', 'Olga', 'Ashley', 'Kenji', 'Emily', 'Paul', 'Donna', 'Andrew', 'Michelle', 'Joshua', 'Carol', 'Fatima', 'Amanda', 'Kevin', 'Dorothy',
  'Brian', 'Melissa', 'George', 'Deborah', 'Tim', 'Stephanie', 'Lucas', 'Rebecca', 'Ryan', 'Sharon', 'Jacob', 'Laura', 'Nikolai', 'Cynthia',
];

export const LAST_NAMES: readonly string[] = [
  'Smith', 'Johnson', 'Williams', 'Brown', 'Jones', 'Garcia', 'Miller', 'Davis', 'Rodriguez', 'Martinez', 'Hernandez', 'Lopez', 'Gonzalez',
  'Wilson', 'Anderson', 'Thomas', 'Taylor', 'Moore', 'Jackson', 'Martin', 'Lee', 'Perez', 'Thompson', 'White', 'Harris', 'Sanchez', 'Clark',
  'Ramirez', 'Lewis', 'Robinson', 'Walker', 'Young', 'Allen', 'King', 'Wright', 'Scott', 'Torres', 'Nguyen', 'Hill', 'Flores', 'Green', 'Adams',
  'Nelson', 'Baker', 'Hall', 'Rivera', 'Campbell', 'Mitchell', 'Carter', 'Roberts', 'Patel', 'Kim', 'Chen', 'Singh', 'Ivanova', 'Tanaka',
];

export const DOCUMENTS: readonly string[] = [
  'Q3 Budget Review', 'Invoice_4471', 'Meeting Notes', 'Project Plan', 'Expense Report', 'Sales Forecast 2024', 'Onboarding Checklist',
  'Board Deck', 'Vendor Contract', 'Roadmap', 'Team Offsite Agenda', 'Payroll Summary', 'Customer List', 'Security Policy', 'Architecture Overview',
  'Purchase Order 8812', 'Quarterly OKRs', 'Travel Itinerary', 'Benefits Enrollment', 'Incident Postmortem', 'Release Notes', 'Statement of Work',
];

export const DEPARTMENTS: readonly string[] = ['FIN', 'HR', 'ENG', 'MKT', 'OPS', 'SALES', 'LEGAL', 'IT'];
