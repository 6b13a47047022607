import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import { OrganizationEntity } from './organization.entity.js';

@Injectable()
export class OrganizationsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  private repo(manager?: EntityManager) {
    return (manager ?? this.dataSource.manager).getRepository(OrganizationEntity);
  }

  findById(id: string, manager?: EntityManager): Promise<OrganizationEntity | null> {
    return this.repo(manager).findOneBy({ id });
  }

  async slugExists(slug: string, manager?: EntityManager): Promise<boolean> {
    return this.repo(manager).existsBy({ slug });
  }

  create(values: { name: string; slug: string }, manager?: EntityManager): Promise<OrganizationEntity> {
    const repo = this.repo(manager);
    return repo.save(repo.create(values));
  }
}
