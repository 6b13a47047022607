import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, IsNull } from 'typeorm';
import type { CursorPosition } from '../common/pagination/cursor.js';
import { WebhookDeliveryEntity } from './webhook-delivery.entity.js';
import { WebhookEndpointEntity } from './webhook-endpoint.entity.js';

/** The only SQL of the webhooks feature; every read is scoped to one organisation. */
@Injectable()
export class WebhooksRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  private endpoints() {
    return this.dataSource.getRepository(WebhookEndpointEntity);
  }

  private deliveries() {
    return this.dataSource.getRepository(WebhookDeliveryEntity);
  }

  async insertEndpoint(
    values: Pick<WebhookEndpointEntity, 'organizationId' | 'url' | 'events' | 'description' | 'secretEncrypted'>,
  ): Promise<WebhookEndpointEntity> {
    return this.endpoints().save(this.endpoints().create({ ...values, deletedAt: null }));
  }

  /** A live (not deleted) endpoint of the organisation. */
  async findEndpoint(organizationId: string, id: string): Promise<WebhookEndpointEntity | null> {
    return this.endpoints().findOneBy({ organizationId, id, deletedAt: IsNull() });
  }

  /** Live endpoints, newest first, `limit + 1` rows after the cursor. */
  async listEndpoints(
    organizationId: string,
    after: CursorPosition | null,
    limit: number,
  ): Promise<WebhookEndpointEntity[]> {
    const query = this.endpoints()
      .createQueryBuilder('e')
      .where('e.organization_id = :organizationId', { organizationId })
      .andWhere('e.deleted_at IS NULL');
    if (after) {
      query.andWhere('(e.created_at, e.id) < (:createdAt, :id)', after);
    }
    return query
      .orderBy('e.created_at', 'DESC')
      .addOrderBy('e.id', 'DESC')
      .limit(limit + 1)
      .getMany();
  }

  /** Live endpoints of the organisation subscribed to `event`. */
  async subscribers(organizationId: string, event: string): Promise<WebhookEndpointEntity[]> {
    return this.endpoints()
      .createQueryBuilder('e')
      .where('e.organization_id = :organizationId', { organizationId })
      .andWhere('e.deleted_at IS NULL')
      .andWhere(':event = ANY(e.events)', { event })
      .getMany();
  }

  /** Soft-deletes (the delivery log stays readable to the lead's audits); false when none was live. */
  async deleteEndpoint(organizationId: string, id: string, at: Date): Promise<boolean> {
    const result = await this.endpoints().update({ organizationId, id, deletedAt: IsNull() }, { deletedAt: at });
    return (result.affected ?? 0) > 0;
  }

  async insertDelivery(values: Omit<WebhookDeliveryEntity, 'id' | 'createdAt'>): Promise<WebhookDeliveryEntity> {
    return this.deliveries().save(this.deliveries().create(values));
  }

  async listDeliveries(
    organizationId: string,
    endpointId: string,
    after: CursorPosition | null,
    limit: number,
  ): Promise<WebhookDeliveryEntity[]> {
    const query = this.deliveries()
      .createQueryBuilder('d')
      .where('d.organization_id = :organizationId', { organizationId })
      .andWhere('d.endpoint_id = :endpointId', { endpointId });
    if (after) {
      query.andWhere('(d.created_at, d.id) < (:createdAt, :id)', after);
    }
    return query
      .orderBy('d.created_at', 'DESC')
      .addOrderBy('d.id', 'DESC')
      .limit(limit + 1)
      .getMany();
  }
}
