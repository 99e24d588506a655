/** MedPro-like catalog (BRL, a few USD prices), coupons and name pools for generated customers. */
import type { TierSpec } from './mrr.ts';
import type { Interval } from './time.ts';

export interface ProductDef {
  key: string;
  name: string;
  description: string;
  unitLabel?: string;
  metadata?: Record<string, string>;
  /** Days after account creation (negative: relative to `now`), default 0. */
  createdOffsetDays?: number;
}

export interface PriceDef {
  key: string;
  product: string;
  currency: 'brl' | 'usd';
  unitAmount: number | null;
  interval: Interval;
  intervalCount?: number;
  usageType?: 'licensed' | 'metered';
  tiers?: TierSpec[];
  tiersMode?: 'volume' | 'graduated';
  nickname?: string;
  /** Archived this many days after the first day of history. */
  archivedAfterDays?: number;
  /** Archived this many days before `now` (a price.updated event inside the event window). */
  archivedDaysBeforeNow?: number;
  createdOffsetDays?: number;
}

export const PRODUCTS: ProductDef[] = [
  {
    key: 'clinica5',
    name: 'MedPro Clínica 5 usuários',
    description: 'Agenda, prontuário e faturamento para até 5 usuários',
    metadata: { plan_users: '5', tier: 'starter' },
  },
  {
    key: 'clinica10',
    name: 'MedPro Clínica 10 usuários',
    description: 'Agenda, prontuário e faturamento para até 10 usuários',
    metadata: { plan_users: '10', tier: 'growth' },
  },
  {
    key: 'clinica20',
    name: 'MedPro Clínica 20 usuários',
    description: 'Agenda, prontuário e faturamento para até 20 usuários',
    metadata: { plan_users: '20', tier: 'pro' },
  },
  {
    key: 'seat',
    name: 'Usuário adicional',
    description: 'Usuário além do limite do plano',
    unitLabel: 'usuário',
  },
  {
    key: 'rede',
    name: 'MedPro Rede',
    description: 'Redes de clínicas, cobrança por unidade (volume)',
    unitLabel: 'unidade',
  },
  { key: 'ia', name: 'Assistente IA', description: 'Transcrição e resumo de consultas com IA' },
  { key: 'storage', name: 'Armazenamento extra', description: '+100 GB para exames e imagens' },
  { key: 'sms', name: 'Lembretes por SMS', description: 'Lembretes de consulta por SMS (por mensagem)' },
  { key: 'mod_odonto', name: 'Módulo Odontologia', description: 'Odontograma e planos de tratamento' },
  { key: 'mod_cardio', name: 'Módulo Cardiologia', description: 'Laudos de ECG e MAPA' },
  { key: 'mod_pediatria', name: 'Módulo Pediatria', description: 'Curvas de crescimento e vacinas' },
  { key: 'mod_derma', name: 'Módulo Dermatologia', description: 'Fotos comparativas de lesões' },
  { key: 'mod_orto', name: 'Módulo Ortopedia', description: 'Laudos e imagens ortopédicas' },
  { key: 'mod_oftalmo', name: 'Módulo Oftalmologia', description: 'Refração e exames oftalmológicos' },
  { key: 'mod_psico', name: 'Módulo Psicologia', description: 'Evolução de sessões' },
  { key: 'mod_nutri', name: 'Módulo Nutrição', description: 'Planos alimentares' },
  { key: 'mod_fisio', name: 'Módulo Fisioterapia', description: 'Sessões e evolução funcional' },
  { key: 'mod_gineco', name: 'Módulo Ginecologia', description: 'Pré-natal e obstetrícia' },
  { key: 'mod_tele', name: 'Telemedicina', description: 'Teleconsultas com gravação' },
  { key: 'mod_tiss', name: 'Faturamento TISS', description: 'Guias TISS para convênios' },
  { key: 'mod_estoque', name: 'Controle de estoque', description: 'Estoque de materiais e medicamentos' },
  {
    key: 'whatsapp',
    name: 'Lembretes WhatsApp',
    description: 'Lembretes de consulta por WhatsApp',
    createdOffsetDays: -12,
  },
];

export const MODULES = [
  'mod_odonto',
  'mod_cardio',
  'mod_pediatria',
  'mod_derma',
  'mod_orto',
  'mod_oftalmo',
  'mod_psico',
  'mod_nutri',
  'mod_fisio',
  'mod_gineco',
  'mod_tele',
  'mod_tiss',
  'mod_estoque',
] as const;

const moduleAmounts = [2900, 3900, 2900, 2900, 3900, 3900, 1900, 1900, 2900, 2900, 4900, 5900, 2900];

export const PRICES: PriceDef[] = [
  { key: 'clinica5_m', product: 'clinica5', currency: 'brl', unitAmount: 19900, interval: 'month' },
  { key: 'clinica5_y', product: 'clinica5', currency: 'brl', unitAmount: 199000, interval: 'year' },
  {
    key: 'clinica5_legacy_m',
    product: 'clinica5',
    currency: 'brl',
    unitAmount: 17900,
    interval: 'month',
    nickname: 'Preço 2024 (legado)',
    archivedAfterDays: 45,
  },
  { key: 'clinica10_m', product: 'clinica10', currency: 'brl', unitAmount: 29900, interval: 'month' },
  {
    key: 'clinica10_q',
    product: 'clinica10',
    currency: 'brl',
    unitAmount: 84900,
    interval: 'month',
    intervalCount: 3,
  },
  { key: 'clinica10_y', product: 'clinica10', currency: 'brl', unitAmount: 299000, interval: 'year' },
  { key: 'clinica20_m', product: 'clinica20', currency: 'brl', unitAmount: 49900, interval: 'month' },
  { key: 'clinica20_y', product: 'clinica20', currency: 'brl', unitAmount: 499000, interval: 'year' },
  {
    key: 'clinica20_promo_m',
    product: 'clinica20',
    currency: 'brl',
    unitAmount: 44900,
    interval: 'month',
    nickname: 'Promoção de lançamento',
    archivedDaysBeforeNow: 8,
  },
  { key: 'seat_m', product: 'seat', currency: 'brl', unitAmount: 2900, interval: 'month' },
  { key: 'seat_q', product: 'seat', currency: 'brl', unitAmount: 8700, interval: 'month', intervalCount: 3 },
  { key: 'seat_y', product: 'seat', currency: 'brl', unitAmount: 29000, interval: 'year' },
  {
    key: 'rede_m',
    product: 'rede',
    currency: 'brl',
    unitAmount: null,
    interval: 'month',
    tiersMode: 'volume',
    tiers: [
      { upTo: 5, unitAmount: 15000, flatAmount: 0 },
      { upTo: 20, unitAmount: 12000, flatAmount: 0 },
      { upTo: null, unitAmount: 9900, flatAmount: 0 },
    ],
  },
  { key: 'ia_m', product: 'ia', currency: 'brl', unitAmount: 4900, interval: 'month' },
  { key: 'ia_q', product: 'ia', currency: 'brl', unitAmount: 14700, interval: 'month', intervalCount: 3 },
  { key: 'ia_y', product: 'ia', currency: 'brl', unitAmount: 49000, interval: 'year' },
  { key: 'storage_m', product: 'storage', currency: 'brl', unitAmount: 2900, interval: 'month' },
  {
    key: 'storage_q',
    product: 'storage',
    currency: 'brl',
    unitAmount: 8700,
    interval: 'month',
    intervalCount: 3,
  },
  { key: 'storage_y', product: 'storage', currency: 'brl', unitAmount: 29000, interval: 'year' },
  { key: 'sms_m', product: 'sms', currency: 'brl', unitAmount: 15, interval: 'month', usageType: 'metered' },
  ...MODULES.map(
    (m, i): PriceDef => ({
      key: `${m}_m`,
      product: m,
      currency: 'brl',
      unitAmount: moduleAmounts[i] ?? 2900,
      interval: 'month',
    }),
  ),
  {
    key: 'whatsapp_m',
    product: 'whatsapp',
    currency: 'brl',
    unitAmount: 3900,
    interval: 'month',
    createdOffsetDays: -12,
  },
  { key: 'usd_clinica5_m', product: 'clinica5', currency: 'usd', unitAmount: 3900, interval: 'month' },
  { key: 'usd_clinica5_y', product: 'clinica5', currency: 'usd', unitAmount: 39000, interval: 'year' },
  { key: 'usd_clinica10_m', product: 'clinica10', currency: 'usd', unitAmount: 5900, interval: 'month' },
  { key: 'usd_clinica20_m', product: 'clinica20', currency: 'usd', unitAmount: 9900, interval: 'month' },
  { key: 'usd_seat_m', product: 'seat', currency: 'usd', unitAmount: 600, interval: 'month' },
  { key: 'usd_ia_m', product: 'ia', currency: 'usd', unitAmount: 900, interval: 'month' },
];

export interface CouponDef {
  id: string;
  name: string;
  percentOff?: number;
  amountOff?: number;
  currency?: 'brl' | 'usd';
  duration: 'once' | 'repeating' | 'forever';
  durationInMonths?: number;
}

export const COUPONS: CouponDef[] = [
  { id: 'BEMVINDO20', name: 'Boas-vindas 20%', percentOff: 20, duration: 'once' },
  { id: 'PROMO3M30', name: '30% por 3 meses', percentOff: 30, duration: 'repeating', durationInMonths: 3 },
  { id: 'PARCEIRO10', name: 'Parceiro 10% para sempre', percentOff: 10, duration: 'forever' },
  {
    id: 'CONGRESSO12',
    name: 'Congresso 12,5%',
    percentOff: 12.5,
    duration: 'repeating',
    durationInMonths: 6,
  },
  {
    id: 'DESC50X6',
    name: 'R$50 por 6 meses',
    amountOff: 5000,
    currency: 'brl',
    duration: 'repeating',
    durationInMonths: 6,
  },
  { id: 'AMIGO30', name: 'Indicação R$30', amountOff: 3000, currency: 'brl', duration: 'forever' },
  {
    id: 'PRIMEIRA100',
    name: 'R$100 na primeira fatura',
    amountOff: 10000,
    currency: 'brl',
    duration: 'once',
  },
  { id: 'USD10OFF', name: '$10 off forever', amountOff: 1000, currency: 'usd', duration: 'forever' },
  {
    id: 'BLACKFRIDAY50',
    name: 'Black Friday 50% por 2 meses',
    percentOff: 50,
    duration: 'repeating',
    durationInMonths: 2,
  },
];

export const FIRST_NAMES = [
  'Ana',
  'João',
  'Maria',
  'José',
  'Luíza',
  'Pedro',
  'Beatriz',
  'Lucas',
  'Mariana',
  'Rafael',
  'Júlia',
  'Gabriel',
  'Letícia',
  'Thiago',
  'Camila',
  'André',
  'Fernanda',
  'Vinícius',
  'Larissa',
  'Otávio',
  'Cecília',
  'Heloísa',
  'Caio',
  'Débora',
];

export const LAST_NAMES = [
  'Silva',
  'Santos',
  'Oliveira',
  'Souza',
  'Rodrigues',
  'Ferreira',
  'Alves',
  'Pereira',
  'Lima',
  'Gomes',
  'Ribeiro',
  'Carvalho',
  'Araújo',
  'Conceição',
  'Müller',
  'Schmidt',
  'Nascimento',
  'Magalhães',
  'Brandão',
  'Assunção',
  'Peçanha',
  'Tavares',
];

export const CLINIC_WORDS = [
  'Clínica São João',
  'Clínica Santa Luzia',
  'Consultório',
  'Instituto',
  'Centro Médico',
  'Clínica Vida',
  'Policlínica',
  'Clínica Bem-Estar',
  'Espaço Saúde',
  'Clínica Coração',
];

export const CITIES = [
  ['São Paulo', 'SP'],
  ['Rio de Janeiro', 'RJ'],
  ['Belo Horizonte', 'MG'],
  ['Curitiba', 'PR'],
  ['Porto Alegre', 'RS'],
  ['Salvador', 'BA'],
  ['Recife', 'PE'],
  ['Fortaleza', 'CE'],
  ['Goiânia', 'GO'],
  ['Florianópolis', 'SC'],
] as const;

export const US_NAMES = [
  'Smith Family Clinic',
  'Greenwood Pediatrics',
  'Lakeside Dental Care',
  'Brookline Dermatology',
  'Harbor Physical Therapy',
  'Maple Street Medical',
];

export const SEGMENTS = ['clinica', 'consultorio', 'hospital', 'laboratorio', 'odontologia'] as const;
